import type { Runbook, RunbookStep } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';
import { visibleWhere } from './visible-where.js';

interface RawRunbook {
  id: string; name: string; script_id: string; args: string | null; tenant_id: string | null; created_at: number;
  steps: string | null; verify: string; max_runs_per_alert_hour: number; max_runs_per_agent_hour: number; requires_approval: number;
}

function toRunbook(r: RawRunbook): Runbook {
  // A row written before steps existed and not migrated (it cannot happen after migration 15) is its one script.
  const steps = parseJson<RunbookStep[] | null>(r.steps, null)
    ?? [{ scriptId: r.script_id, params: {}, timeout: '5m', onFailure: 'stop' }];
  return {
    id: r.id, name: r.name, tenantId: r.tenant_id, steps, verify: parseJson(r.verify, { within: '2m' }),
    args: r.args ? parseJson<string[]>(r.args, []) : null,
    maxRunsPerAlertPerHour: r.max_runs_per_alert_hour, maxRunsPerAgentPerHour: r.max_runs_per_agent_hour,
    requiresApproval: r.requires_approval === 1, createdAt: r.created_at,
  };
}

function toRow(r: Runbook) {
  return {
    id: r.id, name: r.name, scriptId: r.steps[0]!.scriptId, args: r.args ? JSON.stringify(r.args) : null, tenantId: r.tenantId,
    createdAt: r.createdAt, steps: JSON.stringify(r.steps), verify: JSON.stringify(r.verify),
    maxRunsPerAlertPerHour: r.maxRunsPerAlertPerHour, maxRunsPerAgentPerHour: r.maxRunsPerAgentPerHour, requiresApproval: r.requiresApproval ? 1 : 0,
  };
}

/**
 * Runbooks: the ordered steps automatic remediation runs for a rule's alerts, its verify stage and
 * its limits; tenant_id NULL is MSP-wide. script_id keeps the first step's script (the column of
 * the one-script shape, which the schema still requires).
 */
export class RunbookStore {
  constructor(private readonly db: Db) {}

  insert(r: Runbook): void {
    this.db.prepare(
      `INSERT INTO runbooks (id, name, script_id, args, tenant_id, created_at, steps, verify, max_runs_per_alert_hour, max_runs_per_agent_hour, requires_approval)
       VALUES (@id, @name, @scriptId, @args, @tenantId, @createdAt, @steps, @verify, @maxRunsPerAlertPerHour, @maxRunsPerAgentPerHour, @requiresApproval)`,
    ).run(toRow(r));
  }

  /** Replaces everything but the id, tenant and creation time. */
  update(r: Runbook): void {
    this.db.prepare(
      `UPDATE runbooks SET name = @name, script_id = @scriptId, args = @args, steps = @steps, verify = @verify,
         max_runs_per_alert_hour = @maxRunsPerAlertPerHour, max_runs_per_agent_hour = @maxRunsPerAgentPerHour, requires_approval = @requiresApproval
       WHERE id = @id`,
    ).run(toRow(r));
  }

  /** Its runs stay (they name it by id and keep its plan); rules naming it must be gone first (a foreign key). */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM runbooks WHERE id = ?').run(id).changes > 0;
  }

  get(id: string): Runbook | undefined {
    const raw = this.db.prepare('SELECT * FROM runbooks WHERE id = ?').get(id) as RawRunbook | undefined;
    return raw ? toRunbook(raw) : undefined;
  }

  /** `tenants` null: all; else the MSP-wide runbooks and those tenants'. */
  list(tenants: readonly string[] | null = null): Runbook[] {
    const where = visibleWhere(tenants);
    return (this.db.prepare(`SELECT * FROM runbooks${where.sql} ORDER BY name, id`).all(...where.params) as RawRunbook[]).map(toRunbook);
  }
}
