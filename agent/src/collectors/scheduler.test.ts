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
