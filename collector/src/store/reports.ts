import type { Priority } from '@vigil/shared';
import type { Db } from './database.js';

export interface ReportScope { tenantId: string | null; from: number; to: number }

/** Read-only queries behind the KPI report; each returns plain rows for the pure computation. */
export class ReportStore {
  constructor(private readonly db: Db) {}

  /**
   * Alerts of the scope opened in [from, to), with the first acknowledgement they ever had (not
   * the one in force, which a lapse or a re-open clears) and whether a linked runbook run
   * succeeded before the resolve.
   */
  alertsOpened(scope: ReportScope): Array<{
    priority: Priority; metric: string; openedAt: number; firstAcknowledgedAt: number | null; resolvedAt: number | null;
    resolvedBy: string | null; respondBy: number | null; respondBreachedAt: number | null; resolveBreachedAt: number | null; remediated: boolean;
  }> {
    const rows = this.db
      .prepare(
        `SELECT a.priority, a.metric, a.opened_at AS openedAt, a.first_acknowledged_at AS firstAcknowledgedAt, a.resolved_at AS resolvedAt,
           a.resolved_by AS resolvedBy, a.respond_by AS respondBy, a.respond_breached_at AS respondBreachedAt,
           a.resolve_breached_at AS resolveBreachedAt,
           EXISTS (SELECT 1 FROM jobs j JOIN job_runs r ON r.job_id = j.id
                   WHERE j.alert_id = a.id AND r.state = 'succeeded' AND a.resolved_at IS NOT NULL AND r.finished_at <= a.resolved_at) AS remediated
         FROM alerts a
         WHERE (@tenantId IS NULL OR a.tenant_id = @tenantId) AND a.opened_at >= @from AND a.opened_at < @to`,
      )
      .all(scope) as Array<Record<string, unknown>>;
    return rows.map((r) => ({ ...(r as never as ReturnType<ReportStore['alertsOpened']>[number]), remediated: r.remediated === 1 }));
  }

  /**
   * Presence changes of every agent of the scope enrolled before `to`: the last change at or
   * before `from` (the state the period starts in) and every change within the period.
   */
  presence(scope: ReportScope): Array<{ agentId: string; revokedAt: number | null; changes: Array<{ online: boolean; at: number }> }> {
    const agents = this.db
      .prepare('SELECT id, revoked_at AS revokedAt FROM agents WHERE (@tenantId IS NULL OR tenant_id = @tenantId) AND enrolled_at < @to ORDER BY id')
      .all(scope) as Array<{ id: string; revokedAt: number | null }>;
    const before = this.db.prepare('SELECT online, at FROM agent_presence WHERE agent_id = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1');
    const within = this.db.prepare('SELECT online, at FROM agent_presence WHERE agent_id = ? AND at > ? AND at < ? ORDER BY at, id');
    return agents.map(({ id, revokedAt }) => {
      const start = before.get(id, scope.from) as { online: number; at: number } | undefined;
      const rows = [...(start ? [start] : []), ...(within.all(id, scope.from, scope.to) as Array<{ online: number; at: number }>)];
      return { agentId: id, revokedAt, changes: rows.map((r) => ({ online: r.online === 1, at: r.at })) };
    });
  }

  /** For agents of the scope that ever reported patch status: since when a security patch has been pending. */
  patchStatus(scope: ReportScope): Array<{ agentId: string; securityPendingSince: number | null }> {
    return this.db
      .prepare(
        `SELECT id AS agentId, security_pending_since AS securityPendingSince FROM agents
         WHERE (@tenantId IS NULL OR tenant_id = @tenantId) AND patch_checked_at IS NOT NULL AND revoked_at IS NULL ORDER BY id`,
      )
      .all(scope) as Array<{ agentId: string; securityPendingSince: number | null }>;
  }
}
