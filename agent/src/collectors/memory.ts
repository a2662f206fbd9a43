import { si } from '../os/systeminformation.js';
import type { Sample } from '@vigil/shared';
import type { CollectorOutput, MetricCollector } from './types.js';

export interface MemoryReading {
  total: number;
  available: number;
  swaptotal: number;
  swapused: number;
}

/**
 * Used memory is total minus available, so reclaimable page cache does not count as used.
 * A machine without swap has 0 % of its (zero) swap in use: that zero is true, not a placeholder.
 */
export function memorySamples(mem: MemoryReading): Sample[] {
  if (!(mem.total > 0) || !Number.isFinite(mem.available)) throw new Error(`implausible memory reading: total=${mem.total} available=${mem.available}`);
  const samples: Sample[] = [
    { metric: 'mem.used_pct', value: pct(mem.total - mem.available, mem.total) },
    { metric: 'mem.available_bytes', value: mem.available },
  ];
  if (mem.swaptotal === 0) samples.push({ metric: 'swap.used_pct', value: 0 });
  else if (mem.swaptotal > 0 && Number.isFinite(mem.swapused)) samples.push({ metric: 'swap.used_pct', value: pct(mem.swapused, mem.swaptotal) });
  return samples;
}

export class MemoryCollector implements MetricCollector {
  readonly name = 'memory';
  readonly timeoutMs = 5_000;

  async collect(): Promise<CollectorOutput> {
    const mem = await si.mem();
    const samples = memorySamples(mem);
    const swapMissing = !samples.some((s) => s.metric === 'swap.used_pct');
    return swapMissing ? { samples, reason: `swap.used_pct: implausible swap reading (total ${mem.swaptotal})` } : { samples };
  }
}

function pct(part: number, whole: number): number {
  return Math.round(Math.min(100, Math.max(0, (part / whole) * 100)) * 100) / 100;
}
