import { describe, expect, it } from 'vitest';
import { CollectorScheduler } from './scheduler.js';
import type { CollectorOutput, MetricCollector } from './types.js';

/** A collector whose calls finish only when the test says so. */
class ControlledCollector implements MetricCollector {
  calls = 0;
  private pending: Array<(output: CollectorOutput) => void> = [];
  constructor(
    readonly name: string,
    readonly timeoutMs: number,
  ) {}
  collect(): Promise<CollectorOutput> {
    this.calls++;
    return new Promise((resolve) => this.pending.push(resolve));
  }
  finishAll(output: CollectorOutput): void {
    for (const resolve of this.pending.splice(0)) resolve(output);
  }
}

const fixed = (name: string, output: CollectorOutput | (() => Promise<CollectorOutput>), extra: Partial<MetricCollector> = {}): MetricCollector => ({
  name,
  timeoutMs: 5_000,
  collect: typeof output === 'function' ? output : async () => output,
  ...extra,
});

describe('CollectorScheduler', () => {
  it('merges samples, sections and one source entry per collector', async () => {
    const scheduler = new CollectorScheduler([
      fixed('a', { samples: [{ metric: 'cpu.load1', value: 1 }], sections: { inventory: { cpus: 2 } } }),
      fixed('b', { samples: [{ metric: 'mem.used_pct', value: 50 }] }),
    ]);
    const result = await scheduler.collect();
    expect(result.samples).toEqual([{ metric: 'cpu.load1', value: 1 }, { metric: 'mem.used_pct', value: 50 }]);
    expect(result.sections).toEqual({ inventory: { cpus: 2 } });
    expect(result.sources.map((s) => [s.source, s.status])).toEqual([['a', 'ok'], ['b', 'ok']]);
    expect(result.sources.every((s) => typeof s.durationMs === 'number')).toBe(true);
  });

  it('reports a timed-out collector as unknown and never starts it again while its call is pending', async () => {
    const slow = new ControlledCollector('slow', 30);
    const scheduler = new CollectorScheduler([slow, fixed('fast', { samples: [{ metric: 'cpu.load1', value: 1 }] })]);

    const first = await scheduler.collect();
    expect(first.sources.find((s) => s.source === 'slow')).toMatchObject({ status: 'unknown', reason: 'timed out after 30 ms' });
    expect(first.samples).toEqual([{ metric: 'cpu.load1', value: 1 }]);

    const second = await scheduler.collect();
    expect(second.sources.find((s) => s.source === 'slow')).toMatchObject({ status: 'unknown', reason: 'previous collection still running' });
    expect(slow.calls).toBe(1);

    slow.finishAll({ samples: [{ metric: 'mem.used_pct', value: 1 }] });
    await new Promise((resolve) => setImmediate(resolve));
    const third = scheduler.collect();
    expect(slow.calls).toBe(2);
    slow.finishAll({ samples: [{ metric: 'mem.used_pct', value: 2 }] });
    const result = await third;
    expect(result.sources.find((s) => s.source === 'slow')).toMatchObject({ status: 'ok' });
    expect(result.samples).toContainEqual({ metric: 'mem.used_pct', value: 2 });
  });

  it('reports a throwing collector as an error with its message, and keeps the others', async () => {
    const scheduler = new CollectorScheduler([
      fixed('broken', async () => {
        throw new Error('permission denied reading /proc/thing');
      }),
      fixed('sync-throw', (() => {
        throw new Error('thrown synchronously');
      }) as () => Promise<CollectorOutput>),
      fixed('ok', { samples: [{ metric: 'cpu.load1', value: 0.5 }] }),
    ]);
    const result = await scheduler.collect();
    expect(result.sources).toContainEqual(expect.objectContaining({ source: 'broken', status: 'error', reason: 'permission denied reading /proc/thing' }));
    expect(result.sources).toContainEqual(expect.objectContaining({ source: 'sync-throw', status: 'error', reason: 'thrown synchronously' }));
    expect(result.samples).toEqual([{ metric: 'cpu.load1', value: 0.5 }]);
  });

  it('passes through a collector saying it has nothing true to report yet', async () => {
    const scheduler = new CollectorScheduler([fixed('rate', { samples: [], status: 'unknown', reason: 'first reading' })]);
    expect((await scheduler.collect()).sources).toEqual([expect.objectContaining({ source: 'rate', status: 'unknown', reason: 'first reading' })]);
  });

  it('drops invalid samples and says why, keeping the valid ones', async () => {
    const scheduler = new CollectorScheduler([
      fixed('mixed', {
        samples: [
          { metric: 'cpu.load1', value: 1 },
          { metric: 'cpu.load1', value: Number.NaN },
          { metric: 'Bad Name', value: 1 },
        ],
      }),
    ]);
    const result = await scheduler.collect();
    expect(result.samples).toEqual([{ metric: 'cpu.load1', value: 1 }]);
    expect(result.sources[0]).toMatchObject({ status: 'ok' });
    expect(result.sources[0]!.reason).toMatch(/dropped 2 invalid sample/);
  });

  it('primes only the collectors that need a previous reading', async () => {
    const rate = new ControlledCollector('rate', 1000);
    Object.assign(rate, { needsPriorReading: true });
    const plain = new ControlledCollector('plain', 1000);
    const scheduler = new CollectorScheduler([rate, plain]);
    const priming = scheduler.prime();
    rate.finishAll({ samples: [] });
    await priming;
    expect(rate.calls).toBe(1);
    expect(plain.calls).toBe(0);
  });
});

describe('CollectorScheduler with periodic collectors', () => {
  it('runs a periodic collector in the background at its interval and puts its result on the next frame', async () => {
    const scan = new ControlledCollector('patches', 60_000);
    Object.assign(scan, { intervalMs: 3_600_000 });
    const scheduler = new CollectorScheduler([scan, fixed('cpu', { samples: [{ metric: 'cpu.load1', value: 1 }] })]);

    // The scan starts, but the frame does not wait for it.
    const first = await scheduler.collect({ now: 0 });
    expect(scan.calls).toBe(1);
    expect(first.sources.map((s) => s.source)).toEqual(['cpu']);

    scan.finishAll({ samples: [{ metric: 'patch.pending', value: 3 }], sections: { patches: { items: [] } } });
    await new Promise((r) => setImmediate(r));
    const second = await scheduler.collect({ now: 60_000 });
    expect(second.samples).toContainEqual({ metric: 'patch.pending', value: 3 });
    expect(second.sections).toEqual({ patches: { items: [] } });
    expect(second.sources.map((s) => s.source).sort()).toEqual(['cpu', 'patches']);

    // Not due again until its interval has passed; the result is not repeated either.
    const third = await scheduler.collect({ now: 120_000 });
    expect(scan.calls).toBe(1);
    expect(third.sources.map((s) => s.source)).toEqual(['cpu']);
    await scheduler.collect({ now: 3_600_000 });
    expect(scan.calls).toBe(2);
  });

  it('starts an on-demand run at the next frame, and never overlaps a scan still running', async () => {
    const scan = new ControlledCollector('patches', 60_000);
    Object.assign(scan, { intervalMs: 1_000 });
    const scheduler = new CollectorScheduler([scan]);
    await scheduler.collect({ now: 0 });
    await scheduler.collect({ now: 5_000 });
    expect(scan.calls).toBe(1);
    scan.finishAll({ samples: [] });
    await new Promise((r) => setImmediate(r));
    await scheduler.collect({ now: 5_500 });
    expect(scheduler.requestNow('patches')).toBe(true);
    expect(scheduler.requestNow('cpu')).toBe(false);
    await scheduler.collect({ now: 5_600 });
    expect(scan.calls).toBe(2);
  });

  it('collects periodic sources too, and waits for them, when asked for a one-off frame', async () => {
    const scheduler = new CollectorScheduler([fixed('inventory', { samples: [], sections: { inventory: { os: 'x' } } }, { intervalMs: 86_400_000 })]);
    const result = await scheduler.collect({ includePeriodic: true });
    expect(result.sections).toEqual({ inventory: { os: 'x' } });
  });

  it('passes delivery hooks through with the result that carries them', async () => {
    const delivered: string[] = [];
    const scheduler = new CollectorScheduler([fixed('events', { samples: [], onDelivered: () => delivered.push('cursor-7') })]);
    const result = await scheduler.collect();
    expect(result.onDelivered).toHaveLength(1);
    result.onDelivered.forEach((hook) => hook());
    expect(delivered).toEqual(['cursor-7']);
  });
});
