import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aptRebootState, parseAptPolicy, parseAptSimulation } from './parse-apt.js';

/** Recorded and published outputs; fixtures/README.md says where each came from. */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/apt/${name}`, import.meta.url), 'utf8');
const ok = (stdout: string, stderr = '') => ({ exitCode: 0, stdout, stderr });

describe('parseAptSimulation on recorded outputs', () => {
  it('reads Debian 12: 128 upgrades, 81 from the security archive, with old and new versions', () => {
    const result = parseAptSimulation(ok(fixture('debian12-dist-upgrade.stdout')));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { items } = result.value;
    expect(items).toHaveLength(128);
    expect(items.filter((i) => i.security)).toHaveLength(81);
    expect(items.find((i) => i.name === 'bash')).toEqual({
      name: 'bash', currentVersion: '5.2.15-2+b8', version: '5.2.15-2+b13', security: false, category: 'Debian:12.15/oldstable',
    });
    expect(items.find((i) => i.name === 'libgcrypt20')).toMatchObject({
      version: '1.10.1-3+deb12u1', currentVersion: '1.10.1-3', security: true,
      category: 'Debian:12.15/oldstable, Debian-Security:12/oldstable-security',
    });
    expect(items.find((i) => i.name === 'liblzma-dev')).toMatchObject({ security: true, category: 'Debian-Security:12/oldstable-security' });
  });

  it('reads Ubuntu 22.04: new kernel packages have no current version, the jammy-security pocket counts', () => {
    const result = parseAptSimulation(ok(fixture('ubuntu2204-upgrade.stdout')));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.items).toHaveLength(11);
    expect(result.value.items.every((i) => i.security)).toBe(true);
    expect(result.value.items.filter((i) => i.currentVersion === undefined)).toHaveLength(7);
    expect(result.value.items.find((i) => i.name === 'linux-generic')).toMatchObject({ currentVersion: '5.15.0.69.67', version: '5.15.0.86.83' });
  });

  it('keeps apt warnings as notes without failing', () => {
    const result = parseAptSimulation(ok(fixture('debian12-dist-upgrade.stdout'), 'W: Unable to read /etc/apt/preferences.d/ - DirectoryExists (13: Permission denied)\n'));
    expect(result.ok && result.value.warnings).toEqual(['Unable to read /etc/apt/preferences.d/ - DirectoryExists (13: Permission denied)']);
  });
});

describe('parseAptSimulation on bad input', () => {
  const reason = (output: { exitCode: number | null; stdout: string; stderr: string }) => {
    const result = parseAptSimulation(output);
    expect(result.ok).toBe(false);
    return result.ok ? '' : result.reason;
  };

  it('rejects the German and French outputs (summary translated) instead of guessing', () => {
    expect(reason(ok(fixture('debian12-dist-upgrade.de.stdout')))).toMatch(/no "N upgraded, N newly installed, \.\.\." summary line/);
    expect(reason(ok(fixture('debian12-dist-upgrade.fr.stdout')))).toMatch(/summary line/);
  });

  it('rejects empty output', () => {
    expect(reason(ok(''))).toBe('apt-get printed nothing');
  });

  it('rejects a listing cut short: the summary announces more than is listed', () => {
    const full = fixture('debian12-dist-upgrade.stdout');
    const lines = full.split('\n');
    expect(reason(ok(lines.slice(0, 150).join('\n')))).toBe('apt-get announced 128 package(s) to install but listed 100 (output cut short?)');
    // Cut inside a line: the half line is not an Inst line apt-get would print.
    expect(reason(ok(full.slice(0, Math.floor(full.length * 0.6))))).toMatch(/^unexpected apt-get line: Inst /);
  });

  it('rejects the -qq form that has no summary (cannot tell complete from cut)', () => {
    expect(reason(ok(fixture('ubuntu1204-upgrade-qq.stdout')))).toMatch(/summary line/);
  });

  it('reports permission denied with apt-get’s own words (recorded, exit 100)', () => {
    expect(reason({ exitCode: 100, stdout: fixture('debian12-status-denied.stdout'), stderr: fixture('debian12-status-denied.stderr') }))
      .toBe('apt-get exited with code 100: E: flAbsPath on /root/dpkg-status failed - realpath (13: Permission denied) | E: The package lists or status file could not be parsed or opened.');
  });

  it('rejects an unknown exit code and garbage', () => {
    expect(reason({ exitCode: 42, stdout: fixture('debian12-dist-upgrade.stdout'), stderr: '' })).toBe('apt-get exited with code 42');
    expect(reason(ok('\u0000\u0001 garbage \ufffd\n'))).toMatch(/summary line/);
    expect(reason(ok('0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\nInst broken-line-without-parens\n'))).toMatch(/unexpected apt-get line/);
  });

  it('accepts the recorded "no lists" output alone — which is why apt-cache policy is checked first', () => {
    const result = parseAptSimulation(ok(fixture('debian12-no-lists.stdout')));
    expect(result.ok && result.value.items).toEqual([]);
  });
});

describe('parseAptPolicy', () => {
  it('counts the package indexes on disk', () => {
    expect(parseAptPolicy(ok(fixture('debian12-policy.stdout')))).toEqual({ ok: true, value: { indexes: 3 } });
  });

  it('rejects a system without package lists (recorded)', () => {
    const result = parseAptPolicy(ok(fixture('debian12-policy-no-lists.stdout')));
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/apt has no package lists/) });
  });

  it('rejects other-locale, empty and failed outputs', () => {
    expect(parseAptPolicy(ok('Paketdateien:\n 100 /var/lib/dpkg/status\n')).ok).toBe(false);
    expect(parseAptPolicy(ok('')).ok).toBe(false);
    expect(parseAptPolicy({ exitCode: 100, stdout: '', stderr: 'E: boom' })).toEqual({ ok: false, reason: 'apt-cache policy exited with code 100: E: boom' });
  });
});

describe('aptRebootState', () => {
  it('is true while /var/run/reboot-required exists, naming the packages that asked', () => {
    // The pair unattended-upgrades' kernel hook writes: an empty flag file and one package per line.
    const state = aptRebootState({ kind: 'present', text: '' }, { kind: 'present', text: 'linux-image-6.1.0-41-amd64\nlibc6\n' }, true);
    expect(state).toEqual({ rebootRequired: true, packages: ['linux-image-6.1.0-41-amd64', 'libc6'] });
  });

  it('is false when the file is absent and something on the system would have written it', () => {
    expect(aptRebootState({ kind: 'absent' }, { kind: 'absent' }, true)).toEqual({ rebootRequired: false, packages: [] });
  });

  it('is unknown, with the reason, when nothing writes the file or it cannot be read', () => {
    expect(aptRebootState({ kind: 'absent' }, { kind: 'absent' }, false)).toMatchObject({ rebootRequired: null, note: expect.stringMatching(/nothing on this system writes/) });
    expect(aptRebootState({ kind: 'unreadable', reason: 'EACCES' }, { kind: 'absent' }, true)).toMatchObject({ rebootRequired: null, note: expect.stringMatching(/EACCES/) });
  });
});
