import type { FleetPatches, FleetRow, OsPlatform, Priority } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';

/** A fleet row as stored: what liveness knows (presence, the live connection) is added by the caller. */
export type FleetStoreRow = Omit<FleetRow, 'presence' | 'online'>;

export interface FleetFilter {
  tenantId?: string | undefined;
  siteId?: string | undefined;
  platform?: OsPlatform | undefined;
  /** Null or absent: every tenant's agents; else only these tenants'. */
  visibleTenants?: readonly string[] | null;
  /** Absent: no limit. */
  limit?: number | undefined;
}

interface RawFleetRow {
  id: string; hostname: string; tenant_id: string; site_id: string; os_platform: OsPlatform; os_distro: string; os_release: string;
  tags: string; agent_version: string; last_seen_at: number | null; revoked_at: number | null;
  patch_pending: unknown; patch_security: unknown; patch_reboot: unknown;
  spool_dropped: number | null; spool_depth: number | null;
  open_alerts: number; highest_priority: Priority | null;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/**
 * The latest patches section in brief (the columns ingest keeps, see TelemetryStore.mergeSections).
 * A section missing its counts reads as "no scan" rather than failing the list.
 */
function toPatches(r: RawFleetRow): FleetPatches | null {
  if (!isCount(r.patch_pending)) return null;
  return {
    pending: r.patch_pending,
    security: isCount(r.patch_security) ? r.patch_security : null,
    // JSON true and false come out of SQLite as 1 and 0; null (cannot tell) as NULL.
    rebootRequired: r.patch_reboot === 1 ? true : r.patch_reboot === 0 ? false : null,
  };
}

function toFleetRow(r: RawFleetRow): FleetStoreRow {
  return {
    id: r.id, hostname: r.hostname, tenantId: r.tenant_id, siteId: r.site_id,
    os: { platform: r.os_platform, distro: r.os_distro, release: r.os_release },
    tags: parseJson<string[]>(r.tags, []), lastSeenAt: r.last_seen_at, revokedAt: r.revoked_at, agentVersion: r.agent_version,
    patches: toPatches(r), openAlerts: r.open_alerts, highestPriority: r.highest_priority,
    // Left out until reported: ten thousand rows of agents that never say stay as small as before.
    ...(r.spool_dropped !== null && r.spool_depth !== null ? { spool: { dropped: r.spool_dropped, depth: r.spool_depth } } : {}),
  };
}

/** `column IN (?, …)` for a tenant list; an empty list matches nothing. */
function tenantIn(column: string, tenants: readonly string[]): string {
  return `${column} IN (${tenants.map(() => '?').join(', ') || 'NULL'})`;
}

/**
 * The fleet list in one statement, however many agents: their patch counts come from the columns
 * ingest keeps beside the stored sections (no JSON parsed per agent) and their unresolved alerts are counted
 * in one grouped pass over the alerts that are open or acknowledged (the alerts_by_state index).
 */
export class FleetStore {
  constructor(private readonly db: Db) {}

  list(filter: FleetFilter = {}): FleetStoreRow[] {
    const agentWhere: string[] = [];
    const agentParams: unknown[] = [];
    const alertWhere = ["state IN ('open', 'acknowledged')"];
    const alertParams: unknown[] = [];
    // Alerts carry their agent's tenant and site, so the count narrows the same way as the agents.
    const both = (sql: (column: string) => string, ...values: unknown[]) => {
      agentWhere.push(sql('a.'));
      agentParams.push(...values);
      alertWhere.push(sql(''));
      alertParams.push(...values);
    };
    if (filter.tenantId) both((t) => `${t}tenant_id = ?`, filter.tenantId);
    if (filter.siteId) both((t) => `${t}site_id = ?`, filter.siteId);
    if (filter.visibleTenants) both((t) => tenantIn(`${t}tenant_id`, filter.visibleTenants!), ...filter.visibleTenants);
    if (filter.platform) { agentWhere.push('a.os_platform = ?'); agentParams.push(filter.platform); }

    const sql = `
      WITH alert_counts AS (
        -- 'P1' < 'P2' < … so the smallest priority is the most urgent.
        SELECT agent_id, COUNT(*) AS open_alerts, MIN(priority) AS highest_priority
        FROM alerts WHERE ${alertWhere.join(' AND ')} GROUP BY agent_id
      )
      SELECT a.id, a.hostname, a.tenant_id, a.site_id, a.os_platform, a.os_distro, a.os_release, a.tags, a.agent_version,
        a.last_seen_at, a.revoked_at,
        a.patch_pending, a.patch_security, a.patch_reboot, a.spool_dropped, a.spool_depth,
        COALESCE(c.open_alerts, 0) AS open_alerts, c.highest_priority
      FROM agents a LEFT JOIN alert_counts c ON c.agent_id = a.id
      ${agentWhere.length ? `WHERE ${agentWhere.join(' AND ')}` : ''}
      ORDER BY a.hostname, a.id
      ${filter.limit !== undefined ? 'LIMIT ?' : ''}`;
    const params = [...alertParams, ...agentParams, ...(filter.limit !== undefined ? [filter.limit] : [])];
    return (this.db.prepare(sql).all(...params) as RawFleetRow[]).map(toFleetRow);
  }
}
