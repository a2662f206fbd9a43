import { readFile, readdir, access } from 'node:fs/promises';
import { si } from '../os/systeminformation.js';
import type { Sample } from '@vigil/shared';
import { parseDiskstats, type DiskCounters } from './diskstats.js';
import { RateTracker } from './rate.js';
import type { CollectorOutput, MetricCollector } from './types.js';

/**
 * Whole physical disks: /sys/block lists disks but not partitions, and only devices backed by
 * hardware have a `device` link (loop, ram, zram, device-mapper and md do not), so every byte is
 * counted once, at the disk that moved it.
 */
async function linuxPhysicalDisks(): Promise<Set<string>> {
  const names = await readdir('/sys/block');
  const disks = new Set<string>();
  await Promise.all(
    names.map(async (name) => {
      try {
        await access(`/sys/block/${name}/device`);
        disks.add(name);
      } catch {
        /* virtual block device */
      }
    }),
  );
  return disks;
}

async function readLinuxCounters(): Promise<DiskCounters[]> {
  const [text, disks] = await Promise.all([readFile('/proc/diskstats', 'utf8'), linuxPhysicalDisks()]);
  return parseDiskstats(text, (device) => disks.has(device));
}

/**
 * Elsewhere systeminformation only knows the machine-wide total, reported under device="all"
 * so it never passes for one particular disk.
 */
async function readAggregateCounters(): Promise<DiskCounters[] | null> {
  const stats = await si.fsStats();
  if (!stats || !Number.isFinite(stats.rx) || !Number.isFinite(stats.wx)) return null;
  return [{ device: 'all', readBytes: stats.rx, writeBytes: stats.wx }];
}

/** disk.read_bps / disk.write_bps per disk, from byte counters read twice. */
export class DiskIoCollector implements MetricCollector {
  readonly name = 'diskio';
  readonly timeoutMs = 5_000;
  readonly needsPriorReading = true;
  private readonly reads = new RateTracker();
  private readonly writes = new RateTracker();

  constructor(private readonly now: () => number = () => performance.now()) {}

  async collect(): Promise<CollectorOutput> {
    const counters = process.platform === 'linux' ? await readLinuxCounters() : await readAggregateCounters();
    if (counters === null) return { samples: [], status: 'unknown', reason: `disk throughput is not available on ${process.platform}` };
    if (counters.length === 0) return { samples: [], status: 'unknown', reason: 'no physical disks found' };

    const at = this.now();
    const wasPrimed = this.reads.primed;
    const readRates = this.reads.update(at, new Map(counters.map((c) => [c.device, c.readBytes])));
    const writeRates = this.writes.update(at, new Map(counters.map((c) => [c.device, c.writeBytes])));
    if (!wasPrimed) return { samples: [], status: 'unknown', reason: 'first reading: throughput needs a previous reading' };

    const samples: Sample[] = [];
    for (const { device } of counters) {
      const read = readRates.get(device);
      const write = writeRates.get(device);
      if (read !== undefined) samples.push({ metric: 'disk.read_bps', value: Math.round(read), labels: { device } });
      if (write !== undefined) samples.push({ metric: 'disk.write_bps', value: Math.round(write), labels: { device } });
    }
    if (samples.length === 0) return { samples, status: 'unknown', reason: 'counters reset since the previous reading' };
    return { samples };
  }
}
