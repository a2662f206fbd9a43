import { InventorySectionSchema, type InventorySection } from '@vigil/shared';
import type { CollectorOutput, MetricCollector } from '../types.js';
import { readSoftware, type SoftwareOptions } from './software.js';
import { readSystemInfo } from './system-info.js';

export interface InventoryCollectorOptions extends SoftwareOptions {
  intervalMs?: number;
  now?: () => number;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * What the endpoint is: OS, hardware, CPU, memory, disks, interfaces and installed software.
 * Periodic (daily by default); the scheduler runs a periodic collector at the first frame after
 * start, so a restarted or newly enrolled agent reports its inventory straight away.
 * It carries no metrics, only the `inventory` section.
 */
export class InventoryCollector implements MetricCollector {
  readonly name = 'inventory';
  readonly intervalMs: number;
  readonly timeoutMs = 5 * 60_000;

  constructor(private readonly options: InventoryCollectorOptions = {}) {
    this.intervalMs = options.intervalMs ?? DAY;
  }

  async collect(): Promise<CollectorOutput> {
    const [system, software] = await Promise.all([readSystemInfo(), readSoftware(this.options)]);
    const { problems, ...parts } = system;
    if (software.status === 'unknown') problems.push(`installed software: ${software.reason ?? 'unknown'}`);
    const section: InventorySection = { collectedAt: (this.options.now ?? Date.now)(), ...parts, software };
    if (problems.length) section.problems = problems;
    const output: CollectorOutput = { samples: [], sections: { inventory: InventorySectionSchema.parse(section) } };
    if (problems.length) output.reason = problems.join('; ');
    return output;
  }
}
