import { CpuCollector } from './cpu.js';
import { DiskCollector } from './disk.js';
import { DiskIoCollector } from './diskio.js';
import { createEventsCollector } from './events/create.js';
import { MemoryCollector } from './memory.js';
import { NetworkCollector } from './network.js';
import { PatchesCollector, type PatchesOptions } from './patches/collector.js';
import { InventoryCollector } from './inventory/collector.js';
import { ServicesCollector } from './services/collector.js';
import { SmartCollector } from './smart/collector.js';
import { TextfileCollector } from './textfile.js';
import { stateFiles } from '../state/paths.js';
import type { MetricCollector } from './types.js';

/** Settings some collectors take from the command line. */
export interface CollectorConfig {
  /** Services whose state is reported as service.up (`--services`). */
  services?: readonly string[];
  /** The agent's state directory (event-log positions); absent for one-off collection. */
  stateDir?: string;
  /** Patch scan settings (`--patch-source`, `--patch-interval`, `--patch-refresh`). */
  patches?: PatchesOptions;
  /** Where *.prom files with custom metrics are read (`--textfile-dir`); default <stateDir>/textfile. */
  textfileDir?: string;
}

const FACTORIES: Record<string, (config: CollectorConfig) => MetricCollector> = {
  cpu: () => new CpuCollector(),
  memory: () => new MemoryCollector(),
  disk: () => new DiskCollector(),
  diskio: () => new DiskIoCollector(),
  network: () => new NetworkCollector(),
  events: (config) => createEventsCollector({ stateDir: config.stateDir }),
  smart: () => new SmartCollector(),
  services: (config) => new ServicesCollector(config.services ?? []),
  inventory: () => new InventoryCollector(),
  patches: (config) => new PatchesCollector(config.patches),
  textfile: (config) => new TextfileCollector(config.textfileDir ?? (config.stateDir ? stateFiles.textfile(config.stateDir) : null)),
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
export function createCollectors(names: readonly string[] = COLLECTOR_NAMES, config: CollectorConfig = {}): MetricCollector[] {
  return names.map((name) => {
    const factory = FACTORIES[name];
    if (!factory) throw new Error(`unknown collector ${name}`);
    return factory(config);
  });
}
