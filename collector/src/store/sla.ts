import type { SlaPolicyInput } from '@vigil/shared';
import { AlertClockStore } from './alert-clocks.js';
import type { Db } from './database.js';
import { parseJson } from './json.js';

export interface SlaPolicyRow { tenantId: string; overrides: SlaPolicyInput; updatedAt: number }

/** Tenants' SLA policy overrides, and the SLA clock's columns of the alerts table. */
export class SlaStore {
  readonly clocks: AlertClockStore;
  private readonly selectPolicy;
  private readonly upsertPolicy;

  constructor(db: Db) {
    this.clocks = new AlertClockStore(db);
    this.selectPolicy = db.prepare('SELECT tenant_id AS tenantId, overrides, updated_at AS updatedAt FROM tenant_sla_policies WHERE tenant_id = ?');
    this.upsertPolicy = db.prepare(
      `INSERT INTO tenant_sla_policies (tenant_id, overrides, updated_at) VALUES (@tenantId, @overrides, @updatedAt)
       ON CONFLICT (tenant_id) DO UPDATE SET overrides = excluded.overrides, updated_at = excluded.updated_at`,
    );
  }

  /** The tenant's overrides, or undefined when it uses the defaults. */
  getPolicy(tenantId: string): SlaPolicyRow | undefined {
    const row = this.selectPolicy.get(tenantId) as { tenantId: string; overrides: string; updatedAt: number } | undefined;
    return row ? { ...row, overrides: parseJson<SlaPolicyInput>(row.overrides, {}) } : undefined;
  }

  /** Replaces the tenant's overrides (validated by the caller); the tenant must exist. */
  savePolicy(tenantId: string, overrides: SlaPolicyInput, now: number): void {
    this.upsertPolicy.run({ tenantId, overrides: JSON.stringify(overrides), updatedAt: now });
  }
}
