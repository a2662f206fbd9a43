import type { Db } from './database.js';

export interface TenantRow { id: string; name: string; createdAt: number }
export interface SiteRow { tenantId: string; id: string; name: string; createdAt: number }

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

  listTenants(): TenantRow[] {
    return this.db.prepare('SELECT id, name, created_at AS createdAt FROM tenants ORDER BY id').all() as TenantRow[];
  }

  listSites(tenantId?: string): SiteRow[] {
    const sql = 'SELECT tenant_id AS tenantId, id, name, created_at AS createdAt FROM sites';
    return (tenantId
      ? this.db.prepare(`${sql} WHERE tenant_id = ? ORDER BY id`).all(tenantId)
      : this.db.prepare(`${sql} ORDER BY tenant_id, id`).all()) as SiteRow[];
  }
}
