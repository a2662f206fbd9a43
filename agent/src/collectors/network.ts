import { networkInterfaces } from 'node:os';
import { si } from '../os/systeminformation.js';
import { ThroughputRates } from './throughput.js';
import type { CollectorOutput, MetricCollector } from './types.js';

/**
 * Loopback carries no traffic anyone alerts on, and container veth pairs come and go with each
 * container, which would turn every restart into new series.
 */
export function isReportedInterface(name: string, internal: ReadonlySet<string>): boolean {
  if (internal.has(name)) return false;
  if (/^lo\d*$/.test(name) || /loopback/i.test(name)) return false;
  return !name.startsWith('veth');
}

function internalInterfaces(): Set<string> {
  const names = new Set<string>();
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    if (addresses?.some((a) => a.internal)) names.add(name);
  }
  return names;
}

/** net.rx_bps / net.tx_bps per interface, from the byte counters read twice. */
export class NetworkCollector implements MetricCollector {
  readonly name = 'network';
  readonly timeoutMs = 5_000;
  readonly needsPriorReading = true;
  private readonly rates = new ThroughputRates({ first: 'net.rx_bps', second: 'net.tx_bps', label: 'iface' });

  constructor(private readonly now: () => number = () => performance.now()) {}

  async collect(): Promise<CollectorOutput> {
    const internal = internalInterfaces();
    const stats = (await si.networkStats('*')).filter(
      (s) => isReportedInterface(s.iface, internal) && Number.isFinite(s.rx_bytes) && Number.isFinite(s.tx_bytes),
    );
    if (stats.length === 0) return { samples: [], status: 'unknown', reason: 'no network interfaces besides loopback' };

    return this.rates.output(this.now(), stats.map((s) => ({ label: s.iface, first: s.rx_bytes, second: s.tx_bytes })));
  }
}
