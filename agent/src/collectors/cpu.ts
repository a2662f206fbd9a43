import { loadavg } from 'node:os';
import { si } from '../os/systeminformation.js';
import type { Sample } from '@vigil/shared';
import type { CollectorOutput, MetricCollector } from './types.js';

/**
 * cpu.usage_pct comes from systeminformation's currentLoad, which measures since its previous call;
 * its first call measures since boot, which is not "current", so that value is withheld.
 */
export class CpuCollector implements MetricCollector {
  readonly name = 'cpu';
  readonly timeoutMs = 5_000;
  readonly needsPriorReading = true;
  private primed = false;

  async collect(): Promise<CollectorOutput> {
    const load = await si.currentLoad();
    const samples: Sample[] = [];
    const notes: string[] = [];

    if (this.primed && Number.isFinite(load.currentLoad)) {
      samples.push({ metric: 'cpu.usage_pct', value: round2(load.currentLoad) });
    } else if (!this.primed) {
      notes.push('cpu.usage_pct: first reading, a usage figure needs a previous one');
    } else {
      notes.push('cpu.usage_pct: not reported by the OS');
    }
    this.primed = true;

    // Windows has no load average; Node reports zeros there, which would be a made-up value.
    if (process.platform === 'win32') {
      notes.push('cpu.load1: Windows has no load average');
    } else {
      const [load1] = loadavg();
      if (load1 !== undefined && Number.isFinite(load1)) samples.push({ metric: 'cpu.load1', value: round2(load1) });
    }

    if (samples.length === 0) return { samples, status: 'unknown', reason: notes.join('; ') };
    return notes.length ? { samples, reason: notes.join('; ') } : { samples };
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
