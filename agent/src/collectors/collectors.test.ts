import { readdirSync } from 'node:fs';
import { totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SampleSchema, isCatalogMetric, type Sample } from '@vigil/shared';
import { CpuCollector } from './cpu.js';
import { DiskCollector } from './disk.js';
import { DiskIoCollector } from './diskio.js';
import { MemoryCollector } from './memory.js';
import { NetworkCollector } from './network.js';

/** These run against the machine the tests run on: values must be plausible, not exact. */
const byMetric = (samples: Sample[], metric: string) => samples.filter((s) => s.metric === metric);

function expectValidSamples(samples: Sample[]) {
  for (const sample of samples) {
    expect(SampleSchema.safeParse(sample).success).toBe(true);
    expect(isCatalogMetric(sample.metric)).toBe(true);
  }
}

describe('cpu collector', () => {
  it('withholds usage on the first reading and reports it from the second', async () => {
    const cpu = new CpuCollector();
    const first = await cpu.collect();
    expect(byMetric(first.samples, 'cpu.usage_pct')).toHaveLength(0);
    expect(first.reason).toMatch(/first reading/);
    // systeminformation answers from a cache for calls less than 200 ms apart.
    await sleep(300);
    const second = await cpu.collect();
    expectValidSamples(second.samples);
    const [usage] = byMetric(second.samples, 'cpu.usage_pct');
    expect(usage!.value).toBeGreaterThanOrEqual(0);
    expect(usage!.value).toBeLessThanOrEqual(100);
    if (process.platform !== 'win32') expect(byMetric(second.samples, 'cpu.load1')[0]!.value).toBeGreaterThanOrEqual(0);
    expect(second.status ?? 'ok').toBe('ok');
  });
});

describe('memory collector', () => {
  it('reports used %, available bytes and swap %', async () => {
    const { samples } = await new MemoryCollector().collect();
    expectValidSamples(samples);
    const used = byMetric(samples, 'mem.used_pct')[0]!.value;
    const available = byMetric(samples, 'mem.available_bytes')[0]!.value;
    const swap = byMetric(samples, 'swap.used_pct')[0]!.value;
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThanOrEqual(100);
    expect(available).toBeGreaterThan(0);
    expect(available).toBeLessThanOrEqual(totalmem());
    expect(swap).toBeGreaterThanOrEqual(0);
    expect(swap).toBeLessThanOrEqual(100);
  });
});

describe('disk collector', () => {
  it('reports used % and free bytes per mount, including the root filesystem', async () => {
    const { samples, status } = await new DiskCollector().collect();
    expect(status ?? 'ok').toBe('ok');
    expectValidSamples(samples);
    const used = byMetric(samples, 'disk.used_pct');
    const free = byMetric(samples, 'disk.free_bytes');
    expect(used.length).toBeGreaterThan(0);
    expect(free.map((s) => s.labels?.mount)).toEqual(used.map((s) => s.labels?.mount));
    if (process.platform !== 'win32') expect(used.map((s) => s.labels?.mount)).toContain('/');
    for (const s of used) {
      expect(s.value).toBeGreaterThanOrEqual(0);
      expect(s.value).toBeLessThanOrEqual(100);
    }
    for (const s of free) expect(s.value).toBeGreaterThanOrEqual(0);
  });
});

describe('diskio collector', () => {
  it('says so on the first reading, then reports bytes/s per physical disk', async () => {
    const diskio = new DiskIoCollector();
    const first = await diskio.collect();
    expect(first.samples).toHaveLength(0);
    expect(first.status).toBe('unknown');
    expect(first.reason).toMatch(/first reading/);
    await sleep(100);
    const second = await diskio.collect();
    expectValidSamples(second.samples);
    const reads = byMetric(second.samples, 'disk.read_bps');
    const writes = byMetric(second.samples, 'disk.write_bps');
    expect(reads.length).toBeGreaterThan(0);
    expect(writes.length).toBe(reads.length);
    const devices = process.platform === 'linux' ? new Set(readdirSync('/sys/block')) : new Set(['all']);
    for (const s of [...reads, ...writes]) {
      expect(devices.has(s.labels!.device!)).toBe(true);
      expect(s.labels!.device).not.toMatch(/^(loop|ram|zram)/);
      expect(s.value).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('network collector', () => {
  it('says so on the first reading, then reports bytes/s per interface without loopback', async () => {
    const network = new NetworkCollector();
    const first = await network.collect();
    expect(first.samples).toHaveLength(0);
    expect(first.status).toBe('unknown');
    await sleep(100);
    const second = await network.collect();
    expectValidSamples(second.samples);
    const rx = byMetric(second.samples, 'net.rx_bps');
    expect(rx.length).toBeGreaterThan(0);
    expect(byMetric(second.samples, 'net.tx_bps').length).toBe(rx.length);
    for (const s of second.samples) {
      expect(s.labels?.iface).toBeTruthy();
      expect(s.labels!.iface).not.toMatch(/^lo\d*$/);
      expect(s.value).toBeGreaterThanOrEqual(0);
    }
  });
});
