/** The metric catalog: the names rules, the API and the dashboard agree on. */
export interface MetricInfo {
  unit: string;
  description: string;
  labels: readonly string[];
}

export const METRIC_CATALOG = {
  'cpu.usage_pct': { unit: '%', description: 'CPU usage across all cores', labels: [] },
  'cpu.load1': { unit: 'load', description: 'one-minute load average', labels: [] },
  'mem.used_pct': { unit: '%', description: 'memory in use (excluding reclaimable cache)', labels: [] },
  'mem.available_bytes': { unit: 'bytes', description: 'memory available to new processes', labels: [] },
  'swap.used_pct': { unit: '%', description: 'swap in use', labels: [] },
  'disk.used_pct': { unit: '%', description: 'filesystem space in use', labels: ['mount'] },
  'disk.free_bytes': { unit: 'bytes', description: 'filesystem space free', labels: ['mount'] },
  'disk.read_bps': { unit: 'bytes/s', description: 'disk read throughput', labels: ['device'] },
  'disk.write_bps': { unit: 'bytes/s', description: 'disk write throughput', labels: ['device'] },
  'net.rx_bps': { unit: 'bytes/s', description: 'network receive throughput', labels: ['iface'] },
  'net.tx_bps': { unit: 'bytes/s', description: 'network transmit throughput', labels: ['iface'] },
  'disk.health_ok': { unit: 'bool', description: 'SMART overall health passed (1) or failed (0)', labels: ['device'] },
  'disk.temperature_c': { unit: '°C', description: 'SMART drive temperature', labels: ['device'] },
  'patch.pending': { unit: 'count', description: 'pending updates', labels: [] },
  'patch.security_pending': { unit: 'count', description: 'pending security updates', labels: [] },
  'patch.reboot_required': { unit: 'bool', description: 'a reboot is pending', labels: [] },
  'patch.security_pending_days': { unit: 'days', description: 'days since security updates became pending, 0 when none are (computed by the collector from patch.security_pending)', labels: [] },
  'patch.reboot_pending_days': { unit: 'days', description: 'days since a reboot became pending, 0 when none is (computed by the collector from patch.reboot_required)', labels: [] },
  'event.errors': { unit: 'count', description: 'error log entries since the previous frame', labels: ['log'] },
  'event.warnings': { unit: 'count', description: 'warning log entries since the previous frame', labels: ['log'] },
  'service.up': { unit: 'bool', description: 'a watched service is running', labels: ['service'] },
  'agent.online': { unit: 'bool', description: 'the agent is connected (computed by the collector)', labels: [] },
} as const satisfies Record<string, MetricInfo>;

export type CatalogMetric = keyof typeof METRIC_CATALOG;

/** Metric names are dotted lower-case words; custom metrics may extend the catalog. */
export const METRIC_NAME_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

export function isCatalogMetric(name: string): name is CatalogMetric {
  return Object.prototype.hasOwnProperty.call(METRIC_CATALOG, name);
}
