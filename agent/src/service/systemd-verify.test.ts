import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../runner/which.js';
import { AGENT_BIN, buildServiceSpec } from './spec.js';
import { renderSystemdUnit } from './systemd-unit.js';

/**
 * systemd's own checker, where it is installed (Debian/Ubuntu: `apt-get install systemd`); it
 * works without systemd running. Where it is absent the unit is checked structurally instead,
 * and the test title says so.
 */
const ANALYZE = findExecutable('systemd-analyze', process.env);
const root = mkdtempSync(join(tmpdir(), 'vigil-unit-verify-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function verify(unitText: string): Promise<{ code: number | null; stderr: string; file: string }> {
  const dir = mkdtempSync(join(root, 'unit-'));
  const file = join(dir, 'vigil-agent.service');
  writeFileSync(file, unitText);
  return new Promise((resolve) => {
    execFile(ANALYZE!, ['verify', file], { timeout: 30_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr, file });
    });
  });
}

/** verify exits 0 even on unknown keys and bad values; those appear as lines naming the file. */
function complaintsAbout(file: string, stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.includes(file) || line.includes('vigil-agent.service'));
}

const KNOWN_KEYS = new Set([
  'Description', 'Wants', 'After', 'StartLimitIntervalSec', 'Type', 'ExecStart', 'Restart', 'RestartSec', 'StateDirectory',
  'StateDirectoryMode', 'KillMode', 'TimeoutStopSec', 'NoNewPrivileges', 'SyslogIdentifier', 'WantedBy',
]);

function structuralProblems(unit: string): string[] {
  const problems: string[] = [];
  let section = '';
  for (const line of unit.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(Unit|Service|Install)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const key = /^([A-Za-z]+)=./.exec(line)?.[1];
    if (!section) problems.push(`outside a section: ${line}`);
    else if (!key || !KNOWN_KEYS.has(key)) problems.push(`unexpected line in [${section}]: ${line}`);
  }
  // The executable may be quoted (a path with spaces); either way it must be absolute.
  if (!/^ExecStart=(\/\S+ |"\/[^"]+" )/m.test(unit)) problems.push('ExecStart does not start with an absolute path');
  return problems;
}

/** systemd-analyze's verdict where it is installed, the structural check where it is not. */
async function expectValidUnit(unit: string): Promise<void> {
  if (!ANALYZE) {
    expect(structuralProblems(unit)).toEqual([]);
    return;
  }
  const { code, stderr, file } = await verify(unit);
  expect(complaintsAbout(file, stderr), stderr).toEqual([]);
  expect(code, stderr).toBe(0);
}

describe('the Linux unit against systemd', () => {
  const title = ANALYZE
    ? `passes \`systemd-analyze verify\` (${ANALYZE}), with this installation's real node and agent paths`
    : 'systemd-analyze is not installed here (apt-get install systemd provides it): checks the unit structurally instead';
  it(title, async () => {
    const unit = renderSystemdUnit(buildServiceSpec({ os: 'linux', intervalMs: 60_000, extraRunArgs: ['--services', 'ssh'] }));
    await expectValidUnit(unit);
  });

  it(ANALYZE ? 'passes `systemd-analyze verify` with spaces, quotes, % and $ in the paths' : 'quotes awkward paths (systemd-analyze absent: structural check only)', async () => {
    // verify requires ExecStart's binary to exist, so the awkward paths are made real. systemd
    // allows no quotes or backslashes in the executable's own path (the renderer refuses those).
    const nodeDir = join(root, 'node 100% $HOME');
    mkdirSync(nodeDir, { recursive: true });
    const node = join(nodeDir, 'node bin');
    symlinkSync(process.execPath, node);
    const agentDir = join(root, `Vigil "agent" 100% $HOME's \\ ;`);
    mkdirSync(agentDir, { recursive: true });
    const agentBin = join(agentDir, 'vigil-agent.js');
    writeFileSync(agentBin, '');
    const unit = renderSystemdUnit(buildServiceSpec({ os: 'linux', nodePath: node, agentBin, nodeFlags: [], stateDir: join(agentDir, 'state') }));
    expect(unit).toContain(`ExecStart="${nodeDir.replace(/%/g, '%%')}/node bin" "`);
    await expectValidUnit(unit);
  });

  it('the launcher the unit points at is the real one', () => {
    expect(AGENT_BIN).toMatch(/[\\/]agent[\\/]bin[\\/]vigil-agent\.js$/);
  });
});
