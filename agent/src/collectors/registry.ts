import { CpuCollector } from './cpu.js';
import { DiskCollector } from './disk.js';
import { DiskIoCollector } from './diskio.js';
import { MemoryCollector } from './memory.js';
import { NetworkCollector } from './network.js';
import type { MetricCollector } from './types.js';

const FACTORIES: Record<string, () => MetricCollector> = {
  cpu: () => new CpuCollector(),
  memory: () => new MemoryCollector(),
  disk: () => new DiskCollector(),
  diskio: () => new DiskIoCollector(),
  network: () => new NetworkCollector(),
};

export const COLLECTOR_NAMES: readonly string[] = Object.keys(FACTORIES);

/** Parses `--only cpu,memory`; names are validated so a typo fails loudly instead of collecting nothing. */
export function parseCollectorList(list: string): string[] {
  const names = [...new Set(list.split(',').map((s) => s.trim()).filter(Boolean))];
  const unknown = names.filter((name) => !(name in FACTORIES));
  if (unknown.length) throw new Error(`unknown collector ${unknown.join(', ')}; known: ${COLLECTOR_NAMES.join(', ')}`);
  if (names.length === 0) throw new Error(`no collector named; known: ${COLLECTOR_NAMES.join(', ')}`);
  return names;
}

/** Fresh collector instances (rate collectors keep their previous reading per instance). */
export function createCollectors(names: readonly string[] = COLLECTOR_NAMES): MetricCollector[] {
  return names.map((name) => {
    const factory = FACTORIES[name];
    if (!factory) throw new Error(`unknown collector ${name}`);
    return factory();
  });
}
