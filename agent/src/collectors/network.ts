import { networkInterfaces } from 'node:os';
import { si } from '../os/systeminformation.js';
import type { Sample } from '@vigil/shared';
import { RateTracker } from './rate.js';
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
  private readonly rx = new RateTracker();
  private readonly tx = new RateTracker();

  constructor(private readonly now: () => number = () => performance.now()) {}

  async collect(): Promise<CollectorOutput> {
    const internal = internalInterfaces();
    const stats = (await si.networkStats('*')).filter(
      (s) => isReportedInterface(s.iface, internal) && Number.isFinite(s.rx_bytes) && Number.isFinite(s.tx_bytes),
    );
    if (stats.length === 0) return { samples: [], status: 'unknown', reason: 'no network interfaces besides loopback' };

    const at = this.now();
    const wasPrimed = this.rx.primed;
    const rxRates = this.rx.update(at, new Map(stats.map((s) => [s.iface, s.rx_bytes])));
    const txRates = this.tx.update(at, new Map(stats.map((s) => [s.iface, s.tx_bytes])));
    if (!wasPrimed) return { samples: [], status: 'unknown', reason: 'first reading: throughput needs a previous reading' };

    const samples: Sample[] = [];
    for (const { iface } of stats) {
      const rx = rxRates.get(iface);
      const tx = txRates.get(iface);
      if (rx !== undefined) samples.push({ metric: 'net.rx_bps', value: Math.round(rx), labels: { iface } });
      if (tx !== undefined) samples.push({ metric: 'net.tx_bps', value: Math.round(tx), labels: { iface } });
    }
    if (samples.length === 0) return { samples, status: 'unknown', reason: 'counters reset since the previous reading' };
    return { samples };
  }
}
