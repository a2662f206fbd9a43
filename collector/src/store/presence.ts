import type { Db } from './database.js';

export interface PresenceChangeRow { agentId: string; online: boolean; at: number }

/** What liveness needs to know, at a collector start, about an agent that has been seen before. */
export interface KnownAgentRow {
  agentId: string;
  /** The agent's site: site-wide outages are counted per site. */
  tenantId: string;
  siteId: string;
  lastSeenAt: number;
  intervalMs: number | null;
  /** The agent's last recorded presence change; null when none was ever recorded. */
  online: boolean | null;
}

/** Agents' online/offline history: one row per change. */
export class PresenceStore {
  private readonly insertStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare('INSERT INTO agent_presence (agent_id, online, at) VALUES (?, ?, ?)');
  }

  record(change: PresenceChangeRow): void {
    this.insertStmt.run(change.agentId, change.online ? 1 : 0, change.at);
  }

  /** The agent's changes in time order, optionally within [since, until]. */
  history(agentId: string, range: { since?: number; until?: number } = {}): PresenceChangeRow[] {
    const rows = this.db
      .prepare('SELECT online, at FROM agent_presence WHERE agent_id = ? AND at >= ? AND at <= ? ORDER BY at, id')
      .all(agentId, range.since ?? 0, range.until ?? Number.MAX_SAFE_INTEGER) as Array<{ online: number; at: number }>;
    return rows.map((r) => ({ agentId, online: r.online === 1, at: r.at }));
  }

  /** Every non-revoked agent that has connected at least once, with its last presence change. */
  knownAgents(): KnownAgentRow[] {
    const rows = this.db
      .prepare(
        `SELECT a.id, a.tenant_id, a.site_id, a.last_seen_at, a.interval_ms,
           (SELECT p.online FROM agent_presence p WHERE p.agent_id = a.id ORDER BY p.at DESC, p.id DESC LIMIT 1) AS online
         FROM agents a WHERE a.revoked_at IS NULL AND a.last_seen_at IS NOT NULL`,
      )
      .all() as Array<{ id: string; tenant_id: string; site_id: string; last_seen_at: number; interval_ms: number | null; online: number | null }>;
    return rows.map((r) => ({ agentId: r.id, tenantId: r.tenant_id, siteId: r.site_id, lastSeenAt: r.last_seen_at, intervalMs: r.interval_ms, online: r.online === null ? null : r.online === 1 }));
  }
}
