import { describe, expect, it } from 'vitest';
import { parseDiskstats } from './diskstats.js';
import { filesystemUsage, type FsEntry } from './filesystems.js';
import { memorySamples } from './memory.js';
import { isReportedInterface } from './network.js';
import { RateTracker } from './rate.js';

describe('RateTracker', () => {
  it('yields nothing on the first reading, then per-second deltas', () => {
    const rate = new RateTracker();
    expect(rate.primed).toBe(false);
    expect(rate.update(0, new Map([['a', 100]])).size).toBe(0);
    expect(rate.primed).toBe(true);
    const rates = rate.update(2000, new Map([['a', 300], ['b', 5]]));
    expect(rates.get('a')).toBe(100);
    expect(rates.has('b')).toBe(false);
  });

  it('skips a counter that went backwards instead of reporting a negative or zero rate', () => {
    const rate = new RateTracker();
    rate.update(0, new Map([['a', 1000]]));
    expect(rate.update(1000, new Map([['a', 10]])).has('a')).toBe(false);
    expect(rate.update(2000, new Map([['a', 110]])).get('a')).toBe(100);
  });
});

describe('parseDiskstats', () => {
  // Recorded from a Linux 6.x host.
  const sample = [
    '   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0',
    ' 259       0 nvme0n1 14179 6255 1742730 11806 1954 14587 877328 3376 0 2932 15432 3660 38 84768 248 9 0',
    ' 259       1 nvme0n1p1 100 0 2000 10 10 0 400 1 0 1 1 0 0 0 0 0 0',
    ' 253       0 dm-0 5 0 10 0 5 0 10 0 0 0 0 0 0 0 0 0 0',
  ].join('\n');

  it('converts 512-byte sectors to bytes for the devices asked for', () => {
    expect(parseDiskstats(sample, (d) => d === 'nvme0n1')).toEqual([{ device: 'nvme0n1', readBytes: 1742730 * 512, writeBytes: 877328 * 512 }]);
  });

  it('ignores short or malformed lines', () => {
    expect(parseDiskstats('garbage\n 8 0 sda x y z 1 2 3 4 5\n', () => true)).toEqual([]);
  });
});

describe('filesystemUsage', () => {
  const fs = (over: Partial<FsEntry>): FsEntry => ({ fs: '/dev/sda1', type: 'ext4', size: 100, used: 30, available: 70, mount: '/', ...over });

  it('computes df-style used % and free bytes', () => {
    expect(filesystemUsage([fs({ used: 30, available: 60 })])).toEqual([{ mount: '/', usedPct: 33.33, freeBytes: 60 }]);
  });

  it('skips pseudo and image filesystems but keeps an overlay root', () => {
    const usage = filesystemUsage([
      fs({ fs: 'overlay', type: 'overlay', mount: '/' }),
      fs({ fs: 'overlay', type: 'overlay', mount: '/var/lib/docker/overlay2/abc/merged' }),
      fs({ fs: 'tmpfs', type: 'tmpfs', mount: '/run' }),
      fs({ fs: '/dev/loop3', type: 'squashfs', mount: '/snap/core/1' }),
      fs({ fs: '/dev/disk3s1', type: 'APFS', mount: '/System/Volumes/VM' }),
      fs({ fs: '/dev/sdb1', type: 'xfs', mount: '/data' }),
    ]);
    expect(usage.map((u) => u.mount)).toEqual(['/', '/data']);
  });

  it('reports a filesystem mounted in several places once, under its shortest path', () => {
    const usage = filesystemUsage([fs({ mount: '/etc/hosts' }), fs({ mount: '/' }), fs({ mount: '/etc/resolv.conf' })]);
    expect(usage.map((u) => u.mount)).toEqual(['/']);
  });

  it('skips filesystems with no capacity', () => {
    expect(filesystemUsage([fs({ used: 0, available: 0 })])).toEqual([]);
  });
});

describe('memorySamples', () => {
  const GiB = 1024 ** 3;

  it('counts reclaimable cache as available, not used', () => {
    const samples = memorySamples({ total: 16 * GiB, available: 12 * GiB, swaptotal: 4 * GiB, swapused: 1 * GiB });
    expect(samples).toEqual([
      { metric: 'mem.used_pct', value: 25 },
      { metric: 'mem.available_bytes', value: 12 * GiB },
      { metric: 'swap.used_pct', value: 25 },
    ]);
  });

  it('reports 0 % swap used when no swap is configured', () => {
    expect(memorySamples({ total: GiB, available: GiB / 2, swaptotal: 0, swapused: 0 })).toContainEqual({ metric: 'swap.used_pct', value: 0 });
  });

  it('refuses an implausible reading rather than reporting zeros', () => {
    expect(() => memorySamples({ total: 0, available: 0, swaptotal: 0, swapused: 0 })).toThrow(/implausible/);
  });
});

describe('isReportedInterface', () => {
  it('skips loopback and container veth pairs', () => {
    const internal = new Set(['lo']);
    expect(['lo', 'lo0', 'Loopback Pseudo-Interface 1', 'veth12ab'].some((n) => isReportedInterface(n, internal))).toBe(false);
    expect(['eth0', 'en0', 'wlan0', 'docker0'].every((n) => isReportedInterface(n, internal))).toBe(true);
  });
});
