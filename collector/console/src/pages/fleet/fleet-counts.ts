import type { FleetRow } from '@vigil/shared';
import { hasSecurityPatches } from './fleet-filter.js';

/** The fleet at a glance, for the page's header. */
export interface FleetCounts {
  total: number;
  online: number;
  offline: number;
  /** Agents with pending security updates. */
  security: number;
  /** Agents with unresolved alerts. */
  alerts: number;
}

export function countFleet(rows: readonly FleetRow[]): FleetCounts {
  const counts: FleetCounts = { total: rows.length, online: 0, offline: 0, security: 0, alerts: 0 };
  for (const row of rows) {
    if (row.presence === 'online') counts.online += 1;
    else if (row.presence === 'offline') counts.offline += 1;
    if (hasSecurityPatches(row)) counts.security += 1;
    if (row.openAlerts > 0) counts.alerts += 1;
  }
  return counts;
}
