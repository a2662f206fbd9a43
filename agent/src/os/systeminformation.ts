import { createRequire } from 'node:module';
import type * as SI from 'systeminformation';

export type { Systeminformation } from 'systeminformation';

const require = createRequire(import.meta.url);

/** A systeminformation module, required on first use and kept. */
function lazyModule<K extends keyof typeof SI>(file: string): () => Pick<typeof SI, K> {
  let loaded: Pick<typeof SI, K> | undefined;
  return () => (loaded ??= require(`systeminformation/lib/${file}.js`) as Pick<typeof SI, K>);
}

const cpu = lazyModule<'currentLoad' | 'cpu'>('cpu');
const memory = lazyModule<'mem'>('memory');
const filesystem = lazyModule<'fsSize' | 'fsStats' | 'blockDevices' | 'diskLayout'>('filesystem');
const network = lazyModule<'networkStats'>('network');
const osinfo = lazyModule<'osInfo'>('osinfo');
const system = lazyModule<'system'>('system');

/**
 * The systeminformation functions the agent uses, with their own types. Its entry point loads all
 * of its modules (docker, wifi, bluetooth, printers, USB, audio ...) into every process; the agent
 * needs a handful, so each of those is loaded when first called instead.
 */
export const si = {
  currentLoad: () => cpu().currentLoad(),
  cpu: () => cpu().cpu(),
  mem: () => memory().mem(),
  fsSize: () => filesystem().fsSize(),
  fsStats: () => filesystem().fsStats(),
  blockDevices: () => filesystem().blockDevices(),
  diskLayout: () => filesystem().diskLayout(),
  networkStats: (interfaces?: string) => (interfaces === undefined ? network().networkStats() : network().networkStats(interfaces)),
  osInfo: () => osinfo().osInfo(),
  system: () => system().system(),
};
