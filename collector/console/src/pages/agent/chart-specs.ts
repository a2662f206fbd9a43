import type { CatalogMetric, TelemetrySample } from '@vigil/shared';

/** What one chart of the agent page draws: which metrics, how its series are named, its unit. */
export interface ChartSpec {
  title: string;
  metrics: readonly CatalogMetric[];
  unit: 'percent' | 'rate';
  labelOf: (sample: TelemetrySample) => string;
}

const label = (sample: TelemetrySample, name: string, suffix = '') => `${sample.labels[name] ?? '?'}${suffix}`;

/** The metrics the agent sends every frame (shared/src/metrics/catalog.ts), grouped as an engineer reads them. */
export const CHART_SPECS: readonly ChartSpec[] = [
  { title: 'CPU', metrics: ['cpu.usage_pct'], unit: 'percent', labelOf: () => 'CPU' },
  {
    title: 'Memory',
    metrics: ['mem.used_pct', 'swap.used_pct'],
    unit: 'percent',
    labelOf: (s) => (s.metric === 'swap.used_pct' ? 'swap' : 'memory'),
  },
  { title: 'Disk space', metrics: ['disk.used_pct'], unit: 'percent', labelOf: (s) => label(s, 'mount') },
  {
    title: 'Network',
    metrics: ['net.rx_bps', 'net.tx_bps'],
    unit: 'rate',
    labelOf: (s) => label(s, 'iface', s.metric === 'net.rx_bps' ? ' rx' : ' tx'),
  },
  {
    title: 'Disk I/O',
    metrics: ['disk.read_bps', 'disk.write_bps'],
    unit: 'rate',
    labelOf: (s) => label(s, 'device', s.metric === 'disk.read_bps' ? ' read' : ' write'),
  },
];

/** Every metric some chart needs, each once: one telemetry query apiece. */
export const CHARTED_METRICS: readonly CatalogMetric[] = [...new Set(CHART_SPECS.flatMap((c) => c.metrics))];
