import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeSmartctlExit } from './exit-status.js';
import { parseSmartctlDevice } from './parse-device.js';
import { parseSmartctlScan, type ScannedDevice } from './parse-scan.js';

// Sources of every fixture: fixtures/README.md.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const sdb: ScannedDevice = { name: '/dev/sdb', label: '/dev/sdb', type: 'scsi', protocol: 'SCSI' };

describe('smartctl exit status', () => {
  it('decodes the bit mask into named conditions', () => {
    expect(decodeSmartctlExit(0).flags).toEqual([]);
    expect(decodeSmartctlExit(216).flags).toEqual(['disk-failing', 'prefail-attribute-at-threshold', 'error-log-has-errors', 'self-test-log-has-errors']);
    expect(decodeSmartctlExit(2).has('device-open-failed')).toBe(true);
    expect(decodeSmartctlExit(64).has('disk-failing')).toBe(false);
  });
});

describe('smartctl --scan -j', () => {
  it('lists the devices of a real scan', () => {
    const scan = parseSmartctlScan(fixture('scan-seven-scsi.json'), 0);
    expect(scan.ok && scan.devices.map((d) => d.name)).toEqual(['/dev/sda', '/dev/sdb', '/dev/sdc', '/dev/sdd', '/dev/sde', '/dev/sdf', '/dev/sdg']);
    expect(parseSmartctlScan(fixture('scan-nvme.json'), 0)).toEqual({ ok: true, devices: [{ name: '/dev/nvme0', label: '/dev/nvme0', type: 'nvme', protocol: 'NVMe' }] });
  });

  it('finds no devices on a virtual machine', () => {
    expect(parseSmartctlScan(fixture('scan-virtual-machine-empty.json'), 0)).toEqual({ ok: true, devices: [] });
  });

  it('says a smartctl without JSON support is too old, and never crashes on garbage', () => {
    const old = parseSmartctlScan('smartctl 6.6 2016-05-31 r4324\n=======> UNRECOGNIZED OPTION: j\n', 1);
    expect(old).toEqual({ ok: false, reason: expect.stringContaining('smartmontools 7 or later') });
    expect(parseSmartctlScan(fixture('scan-nvme.json').slice(0, 120), 0).ok).toBe(false);
    expect(parseSmartctlScan('[1,2]', 0).ok).toBe(false);
  });
});

describe('smartctl -a -j', () => {
  it('reads a passing SATA disk', () => {
    const disk = parseSmartctlDevice(sdb, fixture('ata-passing-wdc-wd20efrx.json'), 0);
    expect(disk).toMatchObject({
      device: '/dev/sdb', health: 'passed', model: 'WDC WD20EFRX-68EUZN0', capacityBytes: 2000398934016,
      temperatureC: 34, powerOnHours: 47657, reallocatedSectors: 0, pendingSectors: 0, exitStatus: 0, exitFlags: [],
    });
    expect(disk.reason).toBeUndefined();
  });

  it('reads a failing SATA disk as failed, with its reallocated and pending sectors', () => {
    const disk = parseSmartctlDevice({ name: '/dev/sdc', label: '/dev/sdc', type: 'usbjmicron' }, fixture('ata-failing-hitachi-hds721050.json'), 216);
    expect(disk).toMatchObject({
      health: 'failed', model: 'Hitachi HDS721050DLE630', serial: 'MSK423Y20S3HBC',
      temperatureC: 25, reallocatedSectors: 1975, pendingSectors: 8, exitStatus: 216,
    });
    expect(disk.exitFlags).toContain('disk-failing');
    expect(disk.reason).toContain('prefail-attribute-at-threshold');
  });

  it('reads an NVMe disk: percentage used, media errors, temperature', () => {
    const disk = parseSmartctlDevice({ name: '/dev/nvme0', label: '/dev/nvme0', type: 'nvme' }, fixture('nvme-media-errors-samsung-970.json'), 0);
    expect(disk).toMatchObject({ health: 'passed', model: 'Samsung SSD 970 EVO 500GB', temperatureC: 35, percentageUsed: 3, mediaErrors: 7, criticalWarning: 0, powerOnHours: 12798 });
    expect(disk.reallocatedSectors).toBeUndefined();
  });

  it('is unknown, not failed, without permission (Linux as non-root, Windows not elevated)', () => {
    const linux = parseSmartctlDevice({ name: '/dev/vda', label: '/dev/vda', type: 'sat' }, fixture('sat-permission-denied.json'), 2);
    expect(linux).toMatchObject({ health: 'unknown', exitFlags: ['device-open-failed'] });
    expect(linux.reason).toMatch(/^permission denied: reading SMART needs root.*Permission denied$/);
    const windows = parseSmartctlDevice({ name: '/dev/sda', label: '/dev/sda' }, fixture('windows-open-failed.json'), 2);
    expect(windows.health).toBe('unknown');
    expect(windows.reason).toMatch(/^permission denied/);
  });

  it('is unknown for a virtual disk without SMART', () => {
    const detect = parseSmartctlDevice({ name: '/dev/vda', label: '/dev/vda' }, fixture('virtio-unable-to-detect.json'), 1);
    expect(detect).toMatchObject({ health: 'unknown', exitFlags: ['command-line-error'] });
    expect(detect.reason).toContain('Unable to detect device type');
    const refused = parseSmartctlDevice({ name: '/dev/vda', label: '/dev/vda', type: 'sat' }, fixture('virtio-sat-not-permitted.json'), 2);
    expect(refused.health).toBe('unknown');
    expect(refused.reason).toContain('could not open the device');
  });

  it('turns truncated output, garbage, a signal and impossible statuses into unknown with a reason', () => {
    const passing = fixture('ata-passing-wdc-wd20efrx.json');
    expect(parseSmartctlDevice(sdb, passing.slice(0, passing.length / 2), 0)).toMatchObject({ health: 'unknown', reason: expect.stringContaining('not JSON') });
    expect(parseSmartctlDevice(sdb, 'Segmentation fault\n', 139).reason).toContain('not JSON');
    expect(parseSmartctlDevice(sdb, passing, 3221225477).reason).toContain('not a smartctl status');
    expect(parseSmartctlDevice(sdb, '', null)).toMatchObject({ health: 'unknown', reason: 'smartctl was killed before it finished' });
    expect(parseSmartctlDevice(sdb, '{"smartctl":{"exit_status":0}}', 0)).toMatchObject({ health: 'unknown', reason: 'smartctl reported no SMART health status' });
  });

  it('trusts the DISK FAILING bit even if the JSON health field is missing or contradicts it', () => {
    const doc = JSON.parse(fixture('ata-passing-wdc-wd20efrx.json')) as { smart_status?: unknown };
    delete doc.smart_status;
    expect(parseSmartctlDevice(sdb, JSON.stringify(doc), 8).health).toBe('failed');
    expect(parseSmartctlDevice(sdb, fixture('ata-passing-wdc-wd20efrx.json'), 8).health).toBe('failed');
  });
});
