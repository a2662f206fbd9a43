import { SmartSectionSchema, type Sample, type SmartSection } from '@vigil/shared';
import type { CollectorOutput, MetricCollector } from '../types.js';
import { readSmart } from './smartctl.js';

export interface SmartCollectorOptions {
  intervalMs?: number;
  commandTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const HOUR = 60 * 60 * 1000;

/**
 * Disk health from SMART, hourly in the background. disk.health_ok is only ever reported for a
 * disk whose health smartctl actually answered; a disk it could not read is listed in the section
 * with the reason and contributes no sample, so "unknown" never turns into a false alarm.
 */
export class SmartCollector implements MetricCollector {
  readonly name = 'smart';
  readonly intervalMs: number;
  readonly timeoutMs: number;
  private readonly commandTimeoutMs: number;

  constructor(private readonly options: SmartCollectorOptions = {}) {
    this.intervalMs = options.intervalMs ?? HOUR;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 30_000;
    // Disks are read one after another; this bounds a whole pass over a large array.
    this.timeoutMs = 5 * 60_000;
  }

  async collect(): Promise<CollectorOutput> {
    const reading = await readSmart({ timeoutMs: this.commandTimeoutMs, ...(this.options.env ? { env: this.options.env } : {}) });
    if (!reading.ok) return this.unknown(reading.reason);
    if (reading.disks.length === 0) return this.unknown('smartctl found no disks (virtual machines rarely expose SMART)');

    const samples: Sample[] = [];
    for (const disk of reading.disks) {
      if (disk.health === 'unknown') continue;
      const labels = { device: disk.device };
      samples.push({ metric: 'disk.health_ok', value: disk.health === 'passed' ? 1 : 0, labels });
      if (disk.temperatureC !== undefined) samples.push({ metric: 'disk.temperature_c', value: disk.temperatureC, labels });
    }
    const unread = reading.disks.filter((d) => d.health === 'unknown').map((d) => `${d.device}: ${d.reason ?? 'unknown'}`);
    if (reading.skipped) unread.push(`${reading.skipped} more disk(s) not read (limit reached)`);
    const section: SmartSection = { status: samples.length ? 'ok' : 'unknown', disks: reading.disks };
    if (unread.length) section.reason = unread.join('; ');
    const output: CollectorOutput = { samples, sections: { smart: SmartSectionSchema.parse(section) } };
    if (section.status === 'unknown') output.status = 'unknown';
    if (section.reason) output.reason = section.reason;
    return output;
  }

  private unknown(reason: string): CollectorOutput {
    const section: SmartSection = { status: 'unknown', reason, disks: [] };
    return { samples: [], status: 'unknown', reason, sections: { smart: section } };
  }
}
