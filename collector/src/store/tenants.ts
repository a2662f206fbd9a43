import type { Db } from './database.js';

export interface TenantRow { id: string; name: string; createdAt: number }
export interface SiteRow { tenantId: string; id: string; name: string; createdAt: number }

/** What still names a tenant, and would be left dangling if it went. */
export interface TenantReferences {
  /** Agents enrolled in it, revoked ones included: their history keeps naming it. */
  agents: number;
  rules: number;
  maintenanceWindows: number;
  notificationChannels: number;
  scripts: number;
  runbooks: number;
  /** Users (not disabled) who work in it. */
  users: number;
}

const inList = (tenants: readonly string[]) => `(${tenants.map(() => '?').join(', ') || 'NULL'})`;

export class TenantStore {
  private readonly insertTenant;
  private readonly insertSite;
  private readonly selectTenant;
  private readonly selectSite;

  constructor(private readonly db: Db) {
    this.insertTenant = db.prepare('INSERT OR IGNORE INTO tenants (id, name, created_at) VALUES (?, ?, ?)');
    this.insertSite = db.prepare('INSERT OR IGNORE INTO sites (tenant_id, id, name, created_at) VALUES (?, ?, ?, ?)');
    this.selectTenant = db.prepare('SELECT id, name, created_at AS createdAt FROM tenants WHERE id = ?');
    this.selectSite = db.prepare('SELECT tenant_id AS tenantId, id, name, created_at AS createdAt FROM sites WHERE tenant_id = ? AND id = ?');
  }

  /** Creates the tenant and site when they do not exist yet; returns whether anything was created. */
  ensureTenantAndSite(tenantId: string, siteId: string, now: number): { tenantCreated: boolean; siteCreated: boolean } {
    return this.db.transaction(() => ({
      tenantCreated: this.insertTenant.run(tenantId, tenantId, now).changes > 0,
      siteCreated: this.insertSite.run(tenantId, siteId, siteId, now).changes > 0,
    }))();
  }

  /** Returns false when a tenant with this id exists already. */
  createTenant(id: string, name: string, now: number): boolean {
    return this.insertTenant.run(id, name, now).changes > 0;
  }

  /** Returns false when the site exists already; the tenant must exist. */
  createSite(tenantId: string, id: string, name: string, now: number): boolean {
    return this.insertSite.run(tenantId, id, name, now).changes > 0;
  }

  getTenant(id: string): TenantRow | undefined {
    return this.selectTenant.get(id) as TenantRow | undefined;
  }

  getSite(tenantId: string, id: string): SiteRow | undefined {
    return this.selectSite.get(tenantId, id) as SiteRow | undefined;
  }

  /** `visible` null or absent: every tenant; else only those. */
  listTenants(visible: readonly string[] | null = null): TenantRow[] {
    const where = visible === null ? '' : ` WHERE id IN ${inList(visible)}`;
    return this.db.prepare(`SELECT id, name, created_at AS createdAt FROM tenants${where} ORDER BY id`).all(...(visible ?? [])) as TenantRow[];
  }

  /** One tenant's sites, or (no tenant) those of every tenant in `visible` (null or absent: all). */
  listSites(tenantId?: string, visible: readonly string[] | null = null): SiteRow[] {
    const where: string[] = [];
    const params: string[] = [];
    if (tenantId) { where.push('tenant_id = ?'); params.push(tenantId); }
    if (visible !== null) { where.push(`tenant_id IN ${inList(visible)}`); params.push(...visible); }
    const sql = `SELECT tenant_id AS tenantId, id, name, created_at AS createdAt FROM sites${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY tenant_id, id`;
    return this.db.prepare(sql).all(...params) as SiteRow[];
  }

  /** Returns false when the tenant does not exist. */
  renameTenant(id: string, name: string): boolean {
    return this.db.prepare('UPDATE tenants SET name = ? WHERE id = ?').run(name, id).changes > 0;
  }

  /** Returns false when the site does not exist. */
  renameSite(tenantId: string, id: string, name: string): boolean {
    return this.db.prepare('UPDATE sites SET name = ? WHERE tenant_id = ? AND id = ?').run(name, tenantId, id).changes > 0;
  }

  references(tenantId: string): TenantReferences {
    const count = (sql: string) => this.db.prepare(sql).pluck().get(tenantId) as number;
    return {
      agents: count('SELECT COUNT(*) FROM agents WHERE tenant_id = ?'),
      rules: count("SELECT COUNT(*) FROM rules WHERE json_extract(scope, '$.tenant') = ?"),
      maintenanceWindows: count("SELECT COUNT(*) FROM maintenance_windows WHERE json_extract(scope, '$.tenant') = ?"),
      notificationChannels: count("SELECT COUNT(*) FROM notification_channels WHERE json_extract(filters, '$.scope.tenant') = ?"),
      scripts: count('SELECT COUNT(*) FROM scripts WHERE tenant_id = ?'),
      runbooks: count('SELECT COUNT(*) FROM runbooks WHERE tenant_id = ?'),
      users: count('SELECT COUNT(*) FROM users WHERE disabled_at IS NULL AND EXISTS (SELECT 1 FROM json_each(users.tenants) WHERE value = ?)'),
    };
  }

  /** Agents enrolled in the site, revoked ones included (they keep naming it). */
  siteAgentCount(tenantId: string, siteId: string): number {
    return this.db.prepare('SELECT COUNT(*) FROM agents WHERE tenant_id = ? AND site_id = ?').pluck().get(tenantId, siteId) as number;
  }

  /**
   * Deletes a tenant nothing references any more (see references), with its sites, its
   * enrollment tokens (useless without it) and its SLA policy. Returns false when it did not exist.
   */
  deleteTenant(id: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM enrollment_tokens WHERE tenant_id = ?').run(id);
      this.db.prepare('DELETE FROM sites WHERE tenant_id = ?').run(id);
      this.db.prepare('DELETE FROM tenant_sla_policies WHERE tenant_id = ?').run(id);
      return this.db.prepare('DELETE FROM tenants WHERE id = ?').run(id).changes > 0;
    })();
  }

  /** Deletes a site without agents, with its enrollment tokens. Returns false when it did not exist. */
  deleteSite(tenantId: string, id: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM enrollment_tokens WHERE tenant_id = ? AND site_id = ?').run(tenantId, id);
      return this.db.prepare('DELETE FROM sites WHERE tenant_id = ? AND id = ?').run(tenantId, id).changes > 0;
    })();
  }
}
