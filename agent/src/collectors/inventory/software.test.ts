import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { PowerShellRunner } from '../../os/powershell.js';
import { StandInTools } from '../../testing/stand-in-tool.js';
import { readSoftware } from './software.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const DPKG = "-W -f=${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Status}\\n";
const RPM = '-qa --qf %{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n';

describe('readSoftware', () => {
  const tools = new StandInTools();
  afterAll(() => tools.remove());

  it('Linux: uses dpkg-query with the documented format', async () => {
    tools.add('dpkg-query', [{ args: DPKG, stdoutFile: fixture('dpkg-query-debian12.tsv') }]);
    const inventory = await readSoftware({ platform: 'linux', env: tools.env({ only: true }) });
    expect(inventory).toMatchObject({ source: 'dpkg', status: 'ok', count: 711 });
    expect(inventory.packages).toHaveLength(711);
  });

  it('Linux: falls back to rpm where dpkg is absent, and caps the list it sends', async () => {
    const rpmOnly = new StandInTools();
    rpmOnly.add('rpm', [{ args: RPM, stdoutFile: fixture('rpm-qa-constructed.tsv') }]);
    const inventory = await readSoftware({ platform: 'linux', env: rpmOnly.env({ only: true }), maxPackages: 4 });
    rpmOnly.remove();
    expect(inventory).toMatchObject({ source: 'rpm', status: 'ok', count: 6, truncated: 2 });
    expect(inventory.packages.map((p) => p.name)).toEqual(['bash', 'glibc', 'glibc', 'gpg-pubkey']);
  });

  it('Linux: unknown with the reason when no package tool answers, never zero packages', async () => {
    const none = new StandInTools();
    expect(await readSoftware({ platform: 'linux', env: none.env({ only: true }) })).toEqual({ status: 'unknown', reason: 'neither dpkg-query nor rpm is installed', count: 0, packages: [] });
    none.add('dpkg-query', [{ args: '*', stderr: 'dpkg-query: error: parsing file /var/lib/dpkg/status near line 7\n', exit: 2 }]);
    const broken = await readSoftware({ platform: 'linux', env: none.env({ only: true }) });
    none.remove();
    expect(broken).toMatchObject({ source: 'dpkg', status: 'unknown', reason: expect.stringContaining('dpkg-query exited with code 2: dpkg-query: error: parsing file') });
  });

  it('Windows: runs the Uninstall-keys script through the PowerShell runner', async () => {
    const { readFileSync } = await import('node:fs');
    const scripts: string[] = [];
    const replay: PowerShellRunner = async (script) => {
      scripts.push(script);
      return { kind: 'exited', command: 'powershell.exe', exitCode: 0, signal: null, stdout: readFileSync(fixture('windows-uninstall-constructed.json'), 'utf8'), stderr: '', stdoutTruncated: false, durationMs: 1 };
    };
    const inventory = await readSoftware({ platform: 'win32', powershell: replay });
    expect(inventory).toMatchObject({ source: 'windows-uninstall', status: 'ok', count: 3 });
    expect(scripts[0]).toContain('WOW6432Node');
  });

  it('macOS: system_profiler; a hung one is unknown', async () => {
    tools.add('system_profiler', [{ args: 'SPApplicationsDataType -json', stdoutFile: fixture('system-profiler-apps.json') }]);
    expect(await readSoftware({ platform: 'darwin', env: tools.env({ only: true }) })).toMatchObject({ source: 'system_profiler', status: 'ok', count: 2 });
    tools.add('system_profiler', [{ args: '*', shell: 'sleep 30' }]);
    const hung = await readSoftware({ platform: 'darwin', env: tools.env({ only: true }), timeoutMs: 300 });
    expect(hung).toMatchObject({ status: 'unknown', reason: expect.stringContaining('did not finish within 300 ms') });
  });
});
