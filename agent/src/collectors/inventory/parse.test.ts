import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDpkgQuery } from './dpkg.js';
import { parseSystemProfilerApps } from './macos-apps.js';
import { parseRpmQa } from './rpm.js';
import { known, mapDisks, mapInterfaces } from './system-info.js';
import { parseUninstallJson } from './windows-programs.js';

// Sources of every fixture (and which are constructed): fixtures/README.md.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('dpkg-query', () => {
  it('lists every installed package of a real Debian 12 system', () => {
    const result = parseDpkgQuery(fixture('dpkg-query-debian12.tsv'));
    if (!result.ok) throw new Error(result.reason);
    expect(result.packages).toHaveLength(711);
    expect(result.packages[0]).toEqual({ name: 'adduser', version: '3.134', arch: 'all' });
    expect(result.packages.find((p) => p.name === 'bash')).toMatchObject({ arch: 'amd64' });
  });

  it('leaves out packages whose configuration is all that remains', () => {
    const result = parseDpkgQuery('bash\t5.2.15-2+b7\tamd64\tinstalled\nold-tool\t1.0\tamd64\tconfig-files\n');
    expect(result).toEqual({ ok: true, packages: [{ name: 'bash', version: '5.2.15-2+b7', arch: 'amd64' }] });
  });

  it('never reports an empty or garbled listing as zero packages', () => {
    expect(parseDpkgQuery('')).toEqual({ ok: false, reason: 'dpkg-query listed no installed packages' });
    expect(parseDpkgQuery('dpkg-query: error: format string not understood\n')).toMatchObject({ ok: false, reason: expect.stringContaining('not understood') });
  });
});

describe('rpm -qa', () => {
  it('reads name, version-release and arch; drops the (none) arch of gpg-pubkey', () => {
    const result = parseRpmQa(fixture('rpm-qa-constructed.tsv'));
    if (!result.ok) throw new Error(result.reason);
    expect(result.packages).toHaveLength(6);
    expect(result.packages[0]).toEqual({ name: 'bash', version: '5.1.8-6.el9_1', arch: 'x86_64' });
    expect(result.packages.at(-1)).toEqual({ name: 'gpg-pubkey', version: 'fd431d51-4ae0493b' });
  });

  it('refuses truncated and garbage output', () => {
    expect(parseRpmQa('error: rpmdb: BDB0113 Thread/process 1234 failed\n').ok).toBe(false);
  });
});

describe('Windows Uninstall keys', () => {
  it('reads the JSON of the agent script, byte-order mark and all, one entry per product', () => {
    const result = parseUninstallJson(fixture('windows-uninstall-constructed.json'));
    if (!result.ok) throw new Error(result.reason);
    expect(result.packages).toEqual([
      { name: '7-Zip 23.01 (x64)', version: '23.01', publisher: 'Igor Pavlov', location: 'C:\\Program Files\\7-Zip\\' },
      { name: 'Microsoft Visual C++ 2015-2022 Redistributable (x86) - 14.38.33135', version: '14.38.33135.0', arch: 'x86', publisher: 'Microsoft Corporation' },
      { name: 'Mozilla Firefox (x64 en-US)', version: '121.0', publisher: 'Mozilla', location: 'C:\\Program Files\\Mozilla Firefox' },
    ]);
  });

  it('refuses non-JSON and empty listings', () => {
    expect(parseUninstallJson('Get-ItemProperty : Access is denied').ok).toBe(false);
    expect(parseUninstallJson('[]')).toEqual({ ok: false, reason: 'the Uninstall registry keys listed no programs' });
  });
});

describe('system_profiler SPApplicationsDataType', () => {
  it('reads applications with version, arch, publisher and path', () => {
    expect(parseSystemProfilerApps(fixture('system-profiler-apps.json'))).toEqual({
      ok: true,
      packages: [
        { name: 'Installer', version: '6.2.0', arch: 'arm_i64', publisher: 'Apple', location: '/System/Library/CoreServices/Installer.app' },
        { name: 'TextEdit', version: '1.17', arch: 'arm_i64', publisher: 'Apple', location: '/System/Applications/TextEdit.app' },
      ],
    });
  });

  it('refuses truncated output', () => {
    const text = fixture('system-profiler-apps.json');
    expect(parseSystemProfilerApps(text.slice(0, text.length - 20))).toEqual({ ok: false, reason: 'system_profiler output was not valid JSON' });
    expect(parseSystemProfilerApps('{}').ok).toBe(false);
  });
});

describe('system information', () => {
  it('treats firmware placeholders as unknown', () => {
    expect(known('-')).toBeUndefined();
    expect(known('To be filled by O.E.M.')).toBeUndefined();
    expect(known('PowerEdge R740')).toBe('PowerEdge R740');
  });

  it('falls back to block devices when the disk layout is empty (virtio disks)', () => {
    const blocks = [
      { name: 'vda', type: 'disk', size: 274877906944, physical: 'HDD', model: '', serial: '', protocol: '', device: '/dev/vda' },
      { name: 'zram0', type: 'disk', size: 0, physical: 'SSD', model: '', serial: '', protocol: '', device: '/dev/zram0' },
      { name: 'vda1', type: 'part', size: 1000, physical: 'HDD', model: '', serial: '', protocol: '', device: '/dev/vda1' },
    ] as Parameters<typeof mapDisks>[1];
    expect(mapDisks([], blocks)).toEqual([{ device: '/dev/vda', sizeBytes: 274877906944, type: 'HDD' }]);
  });

  it('lists non-loopback interfaces with their MAC and every address', () => {
    const lo = { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' } as const;
    const v4 = { address: '192.0.2.2', netmask: '255.255.255.0', family: 'IPv4', mac: '02:fc:00:00:00:01', internal: false, cidr: '192.0.2.2/24' } as const;
    const v4b = { ...v4, address: '192.0.2.3', cidr: '192.0.2.3/24' };
    const v6 = { address: 'fd00::2', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:fc:00:00:00:01', internal: false, cidr: 'fd00::2/64', scopeid: 0 } as const;
    expect(mapInterfaces({ lo: [lo], eth0: [v4, v4b, v6] })).toEqual([{ name: 'eth0', mac: '02:fc:00:00:00:01', ipv4: ['192.0.2.2', '192.0.2.3'], ipv6: ['fd00::2'] }]);
  });
});
