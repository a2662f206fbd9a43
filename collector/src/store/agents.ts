import type { OsPlatform, SourceStatus, SpoolReport } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';

export interface AgentRow {
  id: string;
  tenantId: string;
  siteId: string;
  hostname: string;
  os: { platform: OsPlatform; distro: string; release: string; arch: string };
  agentVersion: string;
  tags: string[];
  publicKey: string;
  enrolledAt: number;
  lastSeenAt: number | null;
  lastSeq: number;
  revokedAt: number | null;
  /** The trust document version the agent said it pins in its last hello (0: none). */
  trustVersion: number;
  /** What its latest frame said about its spool; null until it sends a frame that says so. */
  spool: SpoolReport | null;
}

/** Which agents a job targets: every field given must hold (tags: all of them). */
export interface TargetFilter {
  tenantId?: string | undefined;
  siteId?: string | undefined;
  tags?: readonly string[] | undefined;
  platform?: OsPlatform | undefined;
  /** Null: every tenant's agents; else only these tenants'. */
  visibleTenants: readonly string[] | null;
}

/** An agent a job may run on: what dispatching and ownership need, nothing more. */
export interface TargetAgent { id: string; tenantId: string; platform: OsPlatform }

export interface AgentFilter {
  tenantId?: string | undefined;
  siteId?: string | undefined;
  /** Agents carrying this tag. */
  tag?: string | undefined;
  platform?: OsPlatform | undefined;
  /** Null or absent: every tenant's agents; else only these tenants'. */
  visibleTenants?: readonly string[] | null;
  limit?: number;
  offset?: number;
}

const SELECT = `SELECT id, tenant_id, site_id, hostname, os_platform, os_distro, os_release, os_arch, agent_version,
  tags, public_key, enrolled_at, last_seen_at, last_seq, revoked_at, trust_version, spool_dropped, spool_depth FROM agents`;

interface RawAgent {
  id: string; tenant_id: string; site_id: string; hostname: string; os_platform: OsPlatform; os_distro: string;
  os_release: string; os_arch: string; agent_version: string; tags: string; public_key: string; enrolled_at: number;
  last_seen_at: number | null; last_seq: number; revoked_at: number | null; trust_version: number;
  spool_dropped: number | null; spool_depth: number | null;
}

function toAgent(r: RawAgent): AgentRow {
  return {
    id: r.id, tenantId: r.tenant_id, siteId: r.site_id, hostname: r.hostname,
    os: { platform: r.os_platform, distro: r.os_distro, release: r.os_release, arch: r.os_arch },
    agentVersion: r.agent_version, tags: parseJson<string[]>(r.tags, []), publicKey: r.public_key,
    enrolledAt: r.enrolled_at, lastSeenAt: r.last_seen_at, lastSeq: r.last_seq, revokedAt: r.revoked_at, trustVersion: r.trust_version,
    spool: r.spool_dropped === null || r.spool_depth === null ? null : { dropped: r.spool_dropped, depth: r.spool_depth },
  };
}

export class AgentStore {
  private readonly byId;
  // Prepared once: these run on every agent connection, thousands at a time in a reconnect storm.
  private readonly touchStatement;
  private readonly intervalStatement;
  private readonly versionStatement;
  private readonly trustVersionStatement;
  private readonly spoolStatement;

  constructor(private readonly db: Db) {
    this.byId = db.prepare(`${SELECT} WHERE id = ?`);
    this.touchStatement = db.prepare('UPDATE agents SET last_seen_at = ? WHERE id = ?');
    this.intervalStatement = db.prepare('UPDATE agents SET interval_ms = ? WHERE id = ? AND interval_ms IS NOT ?');
    this.versionStatement = db.prepare('UPDATE agents SET agent_version = ? WHERE id = ?');
    this.trustVersionStatement = db.prepare('UPDATE agents SET trust_version = ? WHERE id = ? AND trust_version IS NOT ?');
    // Only a change is written: an agent keeping up reports the same figures frame after frame.
    this.spoolStatement = db.prepare(
      'UPDATE agents SET spool_dropped = @dropped, spool_depth = @depth WHERE id = @id AND (spool_dropped IS NOT @dropped OR spool_depth IS NOT @depth)',
    );
  }

  insert(agent: Omit<AgentRow, 'lastSeenAt' | 'lastSeq' | 'revokedAt' | 'trustVersion' | 'spool'>): void {
    this.db
      .prepare(
        `INSERT INTO agents (id, tenant_id, site_id, hostname, os_platform, os_distro, os_release, os_arch, agent_version,
           tags, public_key, enrolled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(agent.id, agent.tenantId, agent.siteId, agent.hostname, agent.os.platform, agent.os.distro, agent.os.release,
        agent.os.arch, agent.agentVersion, JSON.stringify(agent.tags), agent.publicKey, agent.enrolledAt);
  }

  get(id: string): AgentRow | undefined {
    const raw = this.byId.get(id) as RawAgent | undefined;
    return raw ? toAgent(raw) : undefined;
  }

  list(filter: AgentFilter = {}): AgentRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.tenantId) { where.push('tenant_id = ?'); params.push(filter.tenantId); }
    if (filter.siteId) { where.push('site_id = ?'); params.push(filter.siteId); }
    if (filter.tag) { where.push('EXISTS (SELECT 1 FROM json_each(agents.tags) WHERE value = ?)'); params.push(filter.tag); }
    if (filter.platform) { where.push('os_platform = ?'); params.push(filter.platform); }
    if (filter.visibleTenants) {
      where.push(`tenant_id IN (${filter.visibleTenants.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...filter.visibleTenants);
    }
    const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY hostname, id LIMIT ? OFFSET ?`;
    params.push(filter.limit ?? 1000, filter.offset ?? 0);
    return (this.db.prepare(sql).all(...params) as RawAgent[]).map(toAgent);
  }

  /** What the latest frame said about its sources and the richer sections it carried. */
  getLatestReport(id: string): { sources: SourceStatus[]; sections: Record<string, unknown> } {
    const row = this.db.prepare('SELECT last_sources, last_sections FROM agents WHERE id = ?').get(id) as
      | { last_sources: string | null; last_sections: string | null }
      | undefined;
    return {
      sources: parseJson<SourceStatus[]>(row?.last_sources, []),
      sections: parseJson<Record<string, unknown>>(row?.last_sections, {}),
    };
  }

  touch(id: string, at: number): void {
    this.touchStatement.run(at, id);
  }

  /** Never moves last_seen_at backwards (a frame may have been stored after the moment given). */
  markSeen(id: string, at: number): void {
    this.db.prepare('UPDATE agents SET last_seen_at = MAX(COALESCE(last_seen_at, 0), ?) WHERE id = ?').run(at, id);
  }

  /** The frame interval the agent announced in its last hello (null: it announced none). */
  setIntervalMs(id: string, intervalMs: number | null): void {
    this.intervalStatement.run(intervalMs, id, intervalMs);
  }

  /** What the agent's latest frame said about its spool (ingest calls it in the frame's transaction). */
  setSpool(id: string, report: SpoolReport): void {
    this.spoolStatement.run({ id, dropped: report.dropped, depth: report.depth });
  }

  /** Returns false when the agent does not exist or was revoked already. */
  revoke(id: string, at: number): boolean {
    return this.db.prepare('UPDATE agents SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes > 0;
  }

  updateVersion(id: string, agentVersion: string): void {
    this.versionStatement.run(agentVersion, id);
  }

  /** What the agent said it pins (its hello): a newer trust document is sent to it after welcome. */
  setTrustVersion(id: string, version: number): void {
    this.trustVersionStatement.run(version, id, version);
  }

  /** The same, for the agents named (unknown ones are left out): one query per thousand. */
  targetsByIds(ids: readonly string[]): Array<TargetAgent & { revoked: boolean }> {
    const found: Array<TargetAgent & { revoked: boolean }> = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const slice = ids.slice(i, i + 1000);
      const rows = this.db
        .prepare(`SELECT id, tenant_id AS tenantId, os_platform AS platform, revoked_at IS NOT NULL AS revoked FROM agents WHERE id IN (${slice.map(() => '?').join(', ')})`)
        .all(...slice) as Array<TargetAgent & { revoked: number }>;
      for (const row of rows) found.push({ ...row, revoked: row.revoked === 1 });
    }
    return found;
  }

  /** Non-revoked agents matching a job's targets, however many: no paging, and only id and tenant. */
  selectTargets(filter: TargetFilter): TargetAgent[] {
    const where = ['revoked_at IS NULL'];
    const params: unknown[] = [];
    if (filter.tenantId) { where.push('tenant_id = ?'); params.push(filter.tenantId); }
    if (filter.siteId) { where.push('site_id = ?'); params.push(filter.siteId); }
    for (const tag of filter.tags ?? []) { where.push('EXISTS (SELECT 1 FROM json_each(agents.tags) WHERE value = ?)'); params.push(tag); }
    if (filter.platform) { where.push('os_platform = ?'); params.push(filter.platform); }
    if (filter.visibleTenants) {
      where.push(`tenant_id IN (${filter.visibleTenants.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...filter.visibleTenants);
    }
    return this.db
      .prepare(`SELECT id, tenant_id AS tenantId, os_platform AS platform FROM agents WHERE ${where.join(' AND ')} ORDER BY id`)
      .all(...params) as TargetAgent[];
  }
}
