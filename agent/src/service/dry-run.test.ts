import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseXml, plistValue } from '../testing/mini-xml.js';
import { SERVICE_NODE_FLAGS } from './node-flags.js';

/** The built CLI as a child process, the way an administrator runs it. */
const BIN = fileURLToPath(new URL('../../bin/vigil-agent.js', import.meta.url));
const AGENT_BIN = BIN;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/** The content of one `write` block of a dry run, exactly as it would be written. */
function writtenFile(stdout: string, path: string): string {
  const begin = `----- begin ${path} -----\n`;
  const start = stdout.indexOf(begin);
  const end = stdout.indexOf(`----- end ${path} -----\n`);
  expect(start, `no block for ${path} in:\n${stdout}`).toBeGreaterThanOrEqual(0);
  return stdout.slice(start + begin.length, end);
}

/** The commands a dry run lists, without their trailing comments. */
const runLines = (stdout: string): string[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('run: '))
    .map((l) => l.slice(5).replace(/\s+#.*$/, ''));
/** Installs first check that node accepts the service's flags. */
const nodeCheck = `${process.execPath} ${SERVICE_NODE_FLAGS.join(' ')} -e 0`;

beforeAll(() => {
  if (!existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)))) throw new Error('build the agent first: npx tsc -b agent');
});

describe('vigil-agent service install --dry-run', () => {
  it('linux: prints the unit for /etc/systemd/system and the systemctl commands, and writes nothing', async () => {
    const unitPath = '/etc/systemd/system/vigil-agent.service';
    const before = existsSync(unitPath);
    const { code, stdout, stderr } = await cli(['service', 'install', '--dry-run', '--os', 'linux', '--interval', '30s', '--', '--services', 'nginx,sshd']);
    expect(code, stderr).toBe(0);
    expect(stdout.split('\n')[0]).toBe('# vigil-agent service install --os linux: dry run, nothing is written or run');
    expect(stdout).toContain(`write ${unitPath} (mode 0644):`);
    const unit = writtenFile(stdout, unitPath);
    expect(unit).toContain(`\nExecStart=${process.execPath} ${SERVICE_NODE_FLAGS.join(' ')} `);
    expect(unit).toMatch(new RegExp(`\\nExecStart=\\S+ (\\S+ )*${AGENT_BIN.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} run --state /var/lib/vigil-agent --interval 30s --services nginx,sshd\\n`));
    for (const line of ['Restart=always', 'NoNewPrivileges=yes', 'StateDirectory=vigil-agent', 'KillMode=mixed', 'After=network-online.target', 'Wants=network-online.target']) {
      expect(unit.split('\n'), line).toContain(line);
    }
    expect(runLines(stdout)).toEqual([nodeCheck, 'systemctl daemon-reload', 'systemctl enable vigil-agent.service', 'systemctl restart vigil-agent.service']);
    expect(existsSync(unitPath)).toBe(before);
  });

  it('windows: prints the WinSW XML beside the expected wrapper, the wrapper and sc.exe commands', async () => {
    const { code, stdout, stderr } = await cli(['service', 'install', '--dry-run', '--os', 'windows']);
    expect(code, stderr).toBe(0);
    if (process.platform !== 'win32') expect(stderr).toContain("rendered for windows with this installation's node and agent paths");
    const xmlPath = /^write (\S+vigil-agent-service\.xml) \(mode 0644\):$/m.exec(stdout)?.[1];
    expect(xmlPath, stdout).toBeDefined();
    const wrapper = xmlPath!.replace(/\.xml$/, '.exe');
    expect(stdout).toContain(`check that ${wrapper} exists`);
    expect(stdout).toContain('nothing is downloaded');
    const service = parseXml(writtenFile(stdout, xmlPath!));
    expect(service.name).toBe('service');
    expect(runLines(stdout)).toEqual([
      nodeCheck,
      `${wrapper} stop`,
      `${wrapper} uninstall`,
      `${wrapper} install`,
      'sc.exe failureflag vigil-agent 1',
      `${wrapper} start`,
    ]);
    expect(existsSync(xmlPath!)).toBe(false);
  });

  it('darwin: prints the launchd plist and the launchctl commands', async () => {
    const { code, stdout, stderr } = await cli(['service', 'install', '--dry-run', '--os', 'darwin']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('mkdir /Library/Logs/Vigil (mode 0755)');
    const plist = plistValue(parseXml(writtenFile(stdout, '/Library/LaunchDaemons/io.vigil.agent.plist'))) as Record<string, unknown>;
    expect(plist.Label).toBe('io.vigil.agent');
    expect(plist.ProgramArguments).toEqual(expect.arrayContaining([process.execPath, AGENT_BIN, 'run', '--state', '/Library/Application Support/Vigil']));
    expect([plist.RunAtLoad, plist.KeepAlive]).toEqual([true, true]);
    expect(runLines(stdout)).toEqual([
      nodeCheck,
      'launchctl bootout system/io.vigil.agent',
      'launchctl enable system/io.vigil.agent',
      'launchctl bootstrap system /Library/LaunchDaemons/io.vigil.agent.plist',
    ]);
  });

  it('uninstall and status dry runs list their commands', async () => {
    const uninstall = await cli(['service', 'uninstall', '--dry-run', '--os', 'linux']);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    expect(runLines(uninstall.stdout)).toEqual([
      'systemctl disable --now vigil-agent.service',
      'systemctl daemon-reload',
      'systemctl reset-failed vigil-agent.service',
    ]);
    expect(uninstall.stdout).toContain('remove /etc/systemd/system/vigil-agent.service');
    const status = await cli(['service', 'status', '--dry-run', '--os', 'darwin']);
    expect(status.code, status.stderr).toBe(0);
    expect(runLines(status.stdout)[0]).toMatch(/^launchctl print system\/io\.vigil\.agent/);
  });
});

describe('vigil-agent service refusals', () => {
  it('refuses a real install for another OS than this one, and says how to preview it', async () => {
    const other = process.platform === 'win32' ? 'linux' : 'windows';
    const { code, stdout, stderr } = await cli(['service', 'install', '--os', other]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`refusing to install a ${other} service on .*add --dry-run`));
  });

  it('rejects an unknown OS', async () => {
    const { code, stderr } = await cli(['service', 'install', '--dry-run', '--os', 'plan9']);
    expect(code).not.toBe(0);
    expect(stderr).toContain("argument 'plan9' is invalid. Allowed choices are linux, windows, darwin");
  });

  it('rejects run options given without --', async () => {
    const { code, stderr } = await cli(['service', 'install', '--dry-run', '--services', 'x']);
    expect(code).not.toBe(0);
    expect(stderr).toContain("unknown option '--services'");
  });
});
