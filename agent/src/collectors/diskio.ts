import { readFile, readdir, access } from 'node:fs/promises';
import { si } from '../os/systeminformation.js';
import { parseDiskstats, type DiskCounters } from './diskstats.js';
import { ThroughputRates } from './throughput.js';
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
  private readonly rates = new ThroughputRates({ first: 'disk.read_bps', second: 'disk.write_bps', label: 'device' });

  constructor(private readonly now: () => number = () => performance.now()) {}

  async collect(): Promise<CollectorOutput> {
    const counters = process.platform === 'linux' ? await readLinuxCounters() : await readAggregateCounters();
    if (counters === null) return { samples: [], status: 'unknown', reason: `disk throughput is not available on ${process.platform}` };
    if (counters.length === 0) return { samples: [], status: 'unknown', reason: 'no physical disks found' };

    return this.rates.output(this.now(), counters.map((c) => ({ label: c.device, first: c.readBytes, second: c.writeBytes })));
  }
}
