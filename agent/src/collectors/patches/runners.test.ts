import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { PendingPatch } from '@vigil/shared';
import type { PowerShellRunner } from '../../os/powershell.js';
import { StandInTools } from '../../testing/stand-in-tool.js';
import { scanApt } from './apt.js';
import { PatchesCollector } from './collector.js';
import { scanDnf } from './dnf.js';
import { patchesOutput } from './section.js';
import { scanSoftwareUpdate } from './softwareupdate.js';
import { scanWindows } from './windows.js';
import { scanZypper } from './zypper.js';

/**
 * The runners against stand-in tools (shell scripts first on PATH replaying recorded outputs, see
 * fixtures/README.md): the exact command lines each source runs, and how outputs become a scan.
 */
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
/** Every stand-in checks it was started in the C locale; a tool in another locale would exit 98. */
const C_LOCALE = '[ "$LC_ALL" = C ] && [ "$LANG" = C ] || exit 98';

let tools: StandInTools;
const dirs: string[] = [];
afterEach(() => tools?.remove());
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const options = (refresh = false) => ({ env: tools.env({ only: true }), refresh, timeoutMs: 10_000 });

function rebootFiles(flag: string | null, pkgs: string | null, writer: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-reboot-'));
  dirs.push(dir);
  if (flag !== null) writeFileSync(join(dir, 'reboot-required'), flag);
  if (pkgs !== null) writeFileSync(join(dir, 'reboot-required.pkgs'), pkgs);
  if (writer) writeFileSync(join(dir, 'writer'), '');
  return { rebootRequired: join(dir, 'reboot-required'), rebootRequiredPkgs: join(dir, 'reboot-required.pkgs'), rebootWriters: [join(dir, 'writer')] };
}

describe('apt', () => {
  it('runs `apt-cache policy` then `apt-get -s -q -o Debug::NoLocking=1 dist-upgrade`, in the C locale', async () => {
    tools = new StandInTools();
    tools.add('apt-cache', [{ args: 'policy', stdoutFile: fixture('apt/debian12-policy.stdout'), shell: C_LOCALE }]);
    tools.add('apt-get', [{ args: '-s -q -o Debug::NoLocking=1 dist-upgrade', stdoutFile: fixture('apt/debian12-dist-upgrade.stdout'), shell: C_LOCALE }]);
    const outcome = await scanApt(options(), rebootFiles('', 'linux-image-6.1.0-41-amd64\n', true));
    expect(tools.calls('apt-cache')).toEqual(['policy']);
    expect(tools.calls('apt-get')).toEqual(['-s -q -o Debug::NoLocking=1 dist-upgrade']);
    expect(outcome).toMatchObject({ ok: true, scan: { source: 'apt', pending: 128, securityPending: 81, rebootRequired: true, notes: ['reboot requested by: linux-image-6.1.0-41-amd64'] } });
  });

  it('refreshes with `apt-get -q update` only when configured', async () => {
    tools = new StandInTools();
    tools.add('apt-cache', [{ args: 'policy', stdoutFile: fixture('apt/debian12-policy.stdout') }]);
    tools.add('apt-get', [
      { args: '-q update', stdout: 'Reading package lists...\n' },
      { args: '-s -q -o Debug::NoLocking=1 dist-upgrade', stdoutFile: fixture('apt/debian12-dist-upgrade.stdout') },
    ]);
    await scanApt(options(true), rebootFiles(null, null, true));
    expect(tools.calls('apt-get')).toEqual(['-q update', '-s -q -o Debug::NoLocking=1 dist-upgrade']);
  });

  it('is unknown, without simulating, when apt has no package lists (recorded outputs)', async () => {
    tools = new StandInTools();
    tools.add('apt-cache', [{ args: 'policy', stdoutFile: fixture('apt/debian12-policy-no-lists.stdout') }]);
    tools.add('apt-get', [{ args: '*', stdoutFile: fixture('apt/debian12-no-lists.stdout') }]);
    const outcome = await scanApt(options(), rebootFiles(null, null, true));
    expect(outcome).toEqual({ ok: false, reason: expect.stringMatching(/^apt has no package lists/) });
    expect(tools.calls('apt-get')).toEqual([]);
  });

  it('is unknown when apt-get is missing or hangs', async () => {
    tools = new StandInTools();
    tools.add('apt-cache', [{ args: 'policy', stdoutFile: fixture('apt/debian12-policy.stdout') }]);
    expect(await scanApt(options(), rebootFiles(null, null, true))).toEqual({ ok: false, reason: 'apt-get was not found on PATH' });
    tools.add('apt-get', [{ args: '*', shell: 'sleep 30' }]);
    const hung = await scanApt({ ...options(), timeoutMs: 300 }, rebootFiles(null, null, true));
    expect(hung).toEqual({ ok: false, reason: 'apt-get did not finish within 300 ms and was killed' });
  });
});

describe('dnf and yum', () => {
  it('runs `dnf -C check-update`, `dnf -C updateinfo list`, `needs-restarting -r`', async () => {
    tools = new StandInTools();
    tools.add('dnf', [
      { args: '-C check-update', stdoutFile: fixture('dnf/check-update.stdout'), exit: 100, shell: C_LOCALE },
      { args: '-C updateinfo list', stdoutFile: fixture('dnf/updateinfo-list.stdout'), shell: C_LOCALE },
    ]);
    tools.add('needs-restarting', [{ args: '-r', stdout: 'Core libraries or services have been updated since boot-up:\n  * kernel\n\nReboot is required to fully utilize these updates.\n', exit: 1 }]);
    const outcome = await scanDnf('dnf', options());
    expect(tools.calls('dnf')).toEqual(['-C check-update', '-C updateinfo list']);
    expect(tools.calls('needs-restarting')).toEqual(['-r']);
    expect(outcome).toMatchObject({ ok: true, scan: { source: 'dnf', pending: 4, securityPending: 2, rebootRequired: true, notes: [] } });
  });

  it('lets check-update refresh when configured, and keeps updateinfo on the cache', async () => {
    tools = new StandInTools();
    tools.add('dnf', [
      { args: 'check-update', stdoutFile: fixture('dnf/check-update.stdout'), exit: 100 },
      { args: '-C updateinfo list', stdoutFile: fixture('dnf/updateinfo-list.stdout') },
    ]);
    await scanDnf('dnf', options(true));
    expect(tools.calls('dnf')).toEqual(['check-update', '-C updateinfo list']);
  });

  it('yum without advisories or needs-restarting: counts known, security and reboot unknown with reasons', async () => {
    tools = new StandInTools();
    tools.add('yum', [
      { args: '-C check-update', stdoutFile: fixture('yum/rhel7-obsoletes.stdout'), exit: 100 },
      { args: '-C updateinfo list', stdout: 'Loaded plugins: fastestmirror\nupdateinfo list done\n' },
    ]);
    const outcome = await scanDnf('yum', options());
    expect(outcome).toMatchObject({ ok: true, scan: { source: 'yum', pending: 12, securityPending: null, rebootRequired: null } });
    if (outcome.ok) {
      expect(outcome.scan.notes).toEqual([
        'security classification unknown: the repositories publish no advisory metadata (updateinfo) for the pending updates',
        'reboot status unknown: needs-restarting was not found on PATH',
      ]);
    }
  });

  it('is unknown when dnf ignores repositories for want of a cache (recorded stderr, exit 0)', async () => {
    tools = new StandInTools();
    tools.add('dnf', [{ args: '-C check-update', stderr: 'Error: Cache-only enabled but no cache for \'baseos\'\nIgnoring repositories: baseos\n', exit: 0 }]);
    expect(await scanDnf('dnf', options())).toEqual({ ok: false, reason: expect.stringMatching(/^dnf left repositories out/) });
  });
});

describe('zypper', () => {
  it('runs list-updates, list-patches --category security and needs-rebooting, all --non-interactive', async () => {
    tools = new StandInTools();
    tools.add('zypper', [
      { args: '--non-interactive --xmlout --no-refresh list-updates', stdoutFile: fixture('zypper/list-updates.xml'), shell: C_LOCALE },
      { args: '--non-interactive --xmlout --no-refresh list-patches --category security', stdoutFile: fixture('zypper/list-patches-security.xml') },
      { args: '--non-interactive needs-rebooting', exit: 102 },
    ]);
    const outcome = await scanZypper(options());
    expect(tools.calls('zypper')).toEqual([
      '--non-interactive --xmlout --no-refresh list-updates',
      '--non-interactive --xmlout --no-refresh list-patches --category security',
      '--non-interactive needs-rebooting',
    ]);
    expect(outcome).toMatchObject({ ok: true, scan: { source: 'zypper', pending: 4, securityPending: 2, rebootRequired: true } });
    expect(outcome.ok && outcome.scan.items).toHaveLength(6);
  });

  it('drops --no-refresh from list-updates when refreshing', async () => {
    tools = new StandInTools();
    tools.add('zypper', [
      { args: '--non-interactive --xmlout list-updates', stdoutFile: fixture('zypper/list-updates.xml') },
      { args: '*', exit: 0, stdoutFile: fixture('zypper/list-patches-security.xml') },
    ]);
    await scanZypper(options(true));
    expect(tools.calls('zypper')[0]).toBe('--non-interactive --xmlout list-updates');
  });
});

describe('softwareupdate', () => {
  it('runs `softwareupdate --list --no-scan`, or `--list` when refreshing; security and reboot stay unknown', async () => {
    tools = new StandInTools();
    tools.add('softwareupdate', [
      { args: '--list --no-scan', stdoutFile: fixture('softwareupdate/monterey-label-format.txt') },
      { args: '--list', stdoutFile: fixture('softwareupdate/no-updates.txt') },
    ]);
    const outcome = await scanSoftwareUpdate(options());
    expect(outcome).toMatchObject({ ok: true, scan: { pending: 3, securityPending: null, rebootRequired: null } });
    expect(await scanSoftwareUpdate(options(true))).toMatchObject({ ok: true, scan: { pending: 0 } });
    expect(tools.calls('softwareupdate')).toEqual(['--list --no-scan', '--list']);
  });
});

describe('windows', () => {
  it('runs the WUA script through the PowerShell runner and reads its JSON', async () => {
    const scripts: string[] = [];
    const json = (await import('node:fs')).readFileSync(fixture('windows/updates-reboot-pending.json'), 'utf8');
    const runner: PowerShellRunner = async (script, { timeoutMs }) => {
      scripts.push(script);
      expect(timeoutMs).toBe(10_000);
      return { kind: 'exited', command: 'powershell', exitCode: 0, signal: null, stdout: json, stderr: '', stdoutTruncated: false, durationMs: 1 };
    };
    const outcome = await scanWindows({ env: {}, refresh: false, timeoutMs: 10_000 }, runner);
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toContain("Search('IsInstalled=0 and IsHidden=0')");
    expect(outcome).toMatchObject({ ok: true, scan: { source: 'windows', pending: 3, securityPending: 1, rebootRequired: true } });
  });

  it('is unknown when PowerShell times out', async () => {
    const runner: PowerShellRunner = async () => ({ kind: 'timed_out', command: 'powershell', reason: 'PowerShell did not finish within 5 ms', stdout: '', stderr: '' });
    expect(await scanWindows({ env: {}, refresh: false, timeoutMs: 5 }, runner)).toEqual({ ok: false, reason: 'PowerShell did not finish within 5 ms' });
  });
});

describe('PatchesCollector', () => {
  it('detects apt on a Debian-like system even when dnf is installed too', async () => {
    tools = new StandInTools();
    tools.add('dnf', [{ args: '*', exit: 1 }]);
    tools.add('apt-cache', [{ args: 'policy', stdoutFile: fixture('apt/debian12-policy.stdout') }]);
    tools.add('apt-get', [{ args: '-s -q -o Debug::NoLocking=1 dist-upgrade', stdoutFile: fixture('apt/ubuntu2204-upgrade.stdout') }]);
    const collector = new PatchesCollector({
      env: tools.env({ only: true }), platform: 'linux', readOsRelease: async () => 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n',
      aptPaths: rebootFiles(null, null, true), now: () => 1_700_000_000_000,
    });
    const output = await collector.collect();
    expect(collector.intervalMs).toBe(6 * 60 * 60 * 1000);
    expect(output.samples).toEqual([
      { metric: 'patch.pending', value: 11 },
      { metric: 'patch.security_pending', value: 11 },
      { metric: 'patch.reboot_required', value: 0 },
    ]);
    expect(output.sections?.patches).toMatchObject({ source: 'apt', pending: 11, securityPending: 11, rebootRequired: false, truncated: 0, scannedAt: 1_700_000_000_000 });
    expect(tools.calls('dnf')).toEqual([]);
  });

  it('reports unknown with the reason and no patch metrics for a forced source whose tool is missing', async () => {
    tools = new StandInTools();
    const output = await new PatchesCollector({ source: 'zypper', env: tools.env({ only: true }), intervalMs: 60_000 }).collect();
    expect(output).toEqual({ samples: [], status: 'unknown', reason: 'zypper was not found on PATH' });
  });

  it('reports unknown on a platform without a source', async () => {
    tools = new StandInTools();
    expect(await new PatchesCollector({ platform: 'aix', env: tools.env({ only: true }) }).collect()).toEqual({ samples: [], status: 'unknown', reason: 'no patch source for platform aix' });
  });
});

describe('patchesOutput', () => {
  it('caps the list, keeping security updates first, and counts what was cut', () => {
    const items: PendingPatch[] = Array.from({ length: 600 }, (_, i) => ({ name: `pkg${i}`, version: '1', security: i >= 550 }));
    const output = patchesOutput({ source: 'apt', items, pending: 600, securityPending: 50, rebootRequired: null, notes: ['reboot status unknown: x'] }, 1);
    const section = output.sections?.patches as { items: PendingPatch[]; truncated: number };
    expect(section.items).toHaveLength(500);
    expect(section.truncated).toBe(100);
    expect(section.items.slice(0, 50).every((i) => i.security)).toBe(true);
    expect(output.samples.map((s) => s.metric)).toEqual(['patch.pending', 'patch.security_pending']);
    expect(output.reason).toBe('reboot status unknown: x');
  });
});
