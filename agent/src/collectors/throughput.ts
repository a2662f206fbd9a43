import type { Sample } from '@vigil/shared';
import { RateTracker } from './rate.js';
import type { CollectorOutput } from './types.js';

/** One device's pair of byte counters (read/write, received/sent) at one reading. */
export interface CounterPair { label: string; first: number; second: number }

/**
 * Byte counters in two directions per device, turned into two per-second metrics labelled by
 * device. Disk and network throughput differ only in where the counters come from.
 */
export class ThroughputRates {
  private readonly first = new RateTracker();
  private readonly second = new RateTracker();

  constructor(private readonly metrics: { first: string; second: string; label: string }) {}

  output(at: number, counters: readonly CounterPair[]): CollectorOutput {
    const wasPrimed = this.first.primed;
    const firstRates = this.first.update(at, new Map(counters.map((c) => [c.label, c.first])));
    const secondRates = this.second.update(at, new Map(counters.map((c) => [c.label, c.second])));
    if (!wasPrimed) return { samples: [], status: 'unknown', reason: 'first reading: throughput needs a previous reading' };

    const samples: Sample[] = [];
    for (const { label } of counters) {
      const labels = { [this.metrics.label]: label };
      const first = firstRates.get(label);
      const second = secondRates.get(label);
      if (first !== undefined) samples.push({ metric: this.metrics.first, value: Math.round(first), labels });
      if (second !== undefined) samples.push({ metric: this.metrics.second, value: Math.round(second), labels });
    }
    if (samples.length === 0) return { samples, status: 'unknown', reason: 'counters reset since the previous reading' };
    return { samples };
  }
}
