import type { Alert, AlertRemediation, AlertState, Priority } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';

/** An alert as stored: the API shape plus the series it belongs to. */
export type AlertRecord = Alert & { seriesKey: string };

/** The lifecycle fields of a freshly opened alert, before SLA clocks or a maintenance window stamp theirs. */
export const NEW_ALERT_LIFECYCLE = {
  occurrences: 1, flapping: false, ackExpiresAt: null, maintenanceWindowId: null, respondBy: null, resolveBy: null,
  respondBreachedAt: null, resolveBreachedAt: null, escalationLevel: 1, escalatedAt: null,
} as const satisfies Partial<AlertRecord>;

/** What a re-opened alert takes from the breach and the rule as they are now. */
export interface AlertReopening {
  value: number;
  at: number;
  flapping: boolean;
  suppressedBy: string | null;
  ruleName: string;
  op: Alert['op'];
  threshold: number;
  priority: Priority;
  hostname: string;
}

export interface AlertFilter {
  /** "active" means open or acknowledged. */
  state?: AlertState | 'active';
  priority?: Priority;
  tenantId?: string;
  agentId?: string;
  /** Null or absent: every tenant's alerts; else only these tenants'. */
  visibleTenants?: readonly string[] | null;
  limit?: number;
}

interface RawAlert {
  id: string; series_key: string; rule_id: string; rule_name: string; agent_id: string; hostname: string;
  tenant_id: string; site_id: string; metric: string; labels: string; op: Alert['op']; threshold: number;
  priority: Priority; state: AlertState; open_value: number; value: number; opened_at: number; updated_at: number;
  acknowledged_at: number | null; acknowledged_by: string | null; resolved_at: number | null; resolved_by: string | null;
  comment: string | null; suppressed_by: string | null; occurrences: number; flapping: number; ack_expires_at: number | null;
  maintenance_window_id: string | null; respond_by: number | null; resolve_by: number | null; respond_breached_at: number | null;
  resolve_breached_at: number | null; escalation_level: number; escalated_at: number | null; remediation: string | null;
}

function toAlert(r: RawAlert): AlertRecord {
  return {
    id: r.id, seriesKey: r.series_key, ruleId: r.rule_id, ruleName: r.rule_name, agentId: r.agent_id, hostname: r.hostname,
    tenantId: r.tenant_id, siteId: r.site_id, metric: r.metric, labels: parseJson(r.labels, {}), op: r.op,
    threshold: r.threshold, priority: r.priority, state: r.state, openValue: r.open_value, value: r.value,
    openedAt: r.opened_at, updatedAt: r.updated_at, acknowledgedAt: r.acknowledged_at, acknowledgedBy: r.acknowledged_by,
    resolvedAt: r.resolved_at, resolvedBy: r.resolved_by, comment: r.comment, suppressedBy: r.suppressed_by,
    occurrences: r.occurrences, flapping: r.flapping === 1, ackExpiresAt: r.ack_expires_at, maintenanceWindowId: r.maintenance_window_id,
    respondBy: r.respond_by, resolveBy: r.resolve_by, respondBreachedAt: r.respond_breached_at, resolveBreachedAt: r.resolve_breached_at,
    escalationLevel: r.escalation_level, escalatedAt: r.escalated_at, remediation: parseJson<AlertRemediation | null>(r.remediation, null),
  };
}

export class AlertStore {
  private readonly insertStmt;
  private readonly updateValueStmt;
  private readonly resolveStmt;
  private readonly byId;
  private readonly suppressStmt;
  private readonly moveSuppressionStmt;
  private readonly suppressSiteStmt;
  private readonly acknowledgeStmt;
  private readonly lastResolvedStmt;
  private readonly reopenStmt;
  private readonly flappingStmt;
  private readonly ackExpiredStmt;
  private readonly expireAckStmt;
  private readonly remediationStmt;

  constructor(
    private readonly db: Db,
    private readonly runTransaction: <T>(fn: () => T) => T = (fn) => db.transaction(fn)(),
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO alerts (id, series_key, rule_id, rule_name, agent_id, hostname, tenant_id, site_id, metric, labels, op,
         threshold, priority, state, open_value, value, opened_at, updated_at, suppressed_by, occurrences, flapping,
         ack_expires_at, maintenance_window_id, respond_by, resolve_by, respond_breached_at, resolve_breached_at,
         escalation_level, escalated_at)
       VALUES (@id, @seriesKey, @ruleId, @ruleName, @agentId, @hostname, @tenantId, @siteId, @metric, @labels, @op,
         @threshold, @priority, @state, @openValue, @value, @openedAt, @updatedAt, @suppressedBy, @occurrences, @flapping,
         @ackExpiresAt, @maintenanceWindowId, @respondBy, @resolveBy, @respondBreachedAt, @resolveBreachedAt,
         @escalationLevel, @escalatedAt)`,
    );
    this.updateValueStmt = db.prepare('UPDATE alerts SET value = ?, updated_at = ? WHERE id = ?');
    this.resolveStmt = db.prepare(
      `UPDATE alerts SET state = 'resolved', value = ?, resolved_at = ?, resolved_by = ?, comment = COALESCE(?, comment), updated_at = ?
       WHERE id = ? AND state != 'resolved'`,
    );
    this.byId = db.prepare('SELECT * FROM alerts WHERE id = ?');
    this.suppressStmt = db.prepare(
      `UPDATE alerts SET suppressed_by = @by, updated_at = @at
       WHERE agent_id = @agentId AND state != 'resolved' AND suppressed_by IS NULL AND metric != @exemptMetric AND id != @by
       RETURNING id`,
    ).pluck();
    this.moveSuppressionStmt = db.prepare(
      `UPDATE alerts SET suppressed_by = @to, updated_at = @at WHERE suppressed_by = @from AND state != 'resolved' RETURNING id`,
    ).pluck();
    this.suppressSiteStmt = db.prepare(
      `UPDATE alerts SET suppressed_by = @by, updated_at = @at
       WHERE tenant_id = @tenantId AND site_id = @siteId AND metric = @metric AND open_value = @openValue
         AND state != 'resolved' AND suppressed_by IS NULL AND id != @by
       RETURNING id`,
    ).pluck();
    // first_acknowledged_at is history for the KPI report's time to acknowledge: the first
    // acknowledgement the alert ever had, kept through lapses and re-opens (unlike acknowledged_at).
    this.acknowledgeStmt = db.prepare(
      `UPDATE alerts SET state = 'acknowledged', acknowledged_at = @at, acknowledged_by = @by, comment = COALESCE(@comment, comment),
         ack_expires_at = @expiresAt, first_acknowledged_at = COALESCE(first_acknowledged_at, @at), updated_at = @at
       WHERE id = @id AND state = 'open'`,
    );
    this.lastResolvedStmt = db.prepare(
      "SELECT * FROM alerts WHERE series_key = ? AND state = 'resolved' ORDER BY resolved_at DESC, rowid DESC LIMIT 1",
    );
    // The rule's current name, operator, threshold and priority: the alert fires again as the rule is now.
    // A new occurrence has had no acknowledgement and no remediation yet: the last one's go with
    // its occurrence (the audit log keeps who acknowledged), so that its response clock runs
    // afresh; so does a pause of its clocks by a maintenance window it resolved in. Its SLA clocks
    // start at the re-open: no deadlines until the SLA clock stamps them from then (its re-open
    // hook, or its next look). Breaches and the escalation level stay: the alert did miss those
    // commitments, and the new occurrence's own deadlines all lie after them.
    this.reopenStmt = db.prepare(
      `UPDATE alerts SET state = 'open', resolved_at = NULL, resolved_by = NULL, occurrences = occurrences + 1, remediation = NULL,
         acknowledged_at = NULL, acknowledged_by = NULL, ack_expires_at = NULL, ack_lapsed_at = NULL, clocks_paused_at = NULL,
         sla_started_at = @at, respond_by = NULL, resolve_by = NULL,
         open_value = @value, value = @value, updated_at = @at, flapping = @flapping, suppressed_by = @suppressedBy,
         rule_name = @ruleName, op = @op, threshold = @threshold, priority = @priority, hostname = @hostname
       WHERE id = @id AND state = 'resolved'`,
    );
    this.flappingStmt = db.prepare('UPDATE alerts SET flapping = @flapping, updated_at = MAX(updated_at, @at) WHERE id = @id AND flapping != @flapping');
    this.ackExpiredStmt = db.prepare(
      "SELECT * FROM alerts WHERE state = 'acknowledged' AND ack_expires_at IS NOT NULL AND ack_expires_at <= ? ORDER BY ack_expires_at, id LIMIT ?",
    );
    // The fall-back happens at the expiry instant, even when it is written later; updated_at never moves backwards.
    // No one is on it any more: the acknowledgement is no longer in force (the audit log keeps
    // who gave it), and the response clock it stopped runs again from its lapse.
    this.expireAckStmt = db.prepare(
      `UPDATE alerts SET state = 'open', acknowledged_at = NULL, acknowledged_by = NULL, ack_expires_at = NULL, ack_lapsed_at = @at,
         updated_at = MAX(updated_at, @at)
       WHERE id = @id AND state = 'acknowledged' AND ack_expires_at = @at`,
    );
    this.remediationStmt = db.prepare('UPDATE alerts SET remediation = @remediation, updated_at = MAX(updated_at, @at) WHERE id = @id');
  }

  insert(alert: AlertRecord): void {
    this.insertStmt.run({ ...alert, labels: JSON.stringify(alert.labels), flapping: alert.flapping ? 1 : 0 });
  }

  updateValue(id: string, value: number, at: number): void {
    this.updateValueStmt.run(value, at, id);
  }

  /**
   * Returns false when the alert was already resolved (a hand resolve racing an auto resolve).
   * A comment replaces the alert's; none keeps what the acknowledgement said.
   */
  resolve(id: string, value: number, at: number, by: string, comment: string | null = null): boolean {
    return this.resolveStmt.run(value, at, by, comment, at, id).changes > 0;
  }

  /**
   * Marks the agent's unresolved alerts as suppressed by `by`, except alerts on `exemptMetric`
   * (the dependency itself) and those already suppressed. Returns the ids it marked.
   */
  suppressAgent(agentId: string, by: string, exemptMetric: string, at: number): string[] {
    return this.suppressStmt.all({ agentId, by, exemptMetric, at }) as string[];
  }

  /**
   * Marks the site's unresolved alerts on `metric` that opened on `openValue` (its agents' offline
   * alerts) as suppressed by `by`, except those already suppressed. Returns the ids it marked.
   */
  suppressSite(site: { tenantId: string; siteId: string }, metric: string, openValue: number, by: string, at: number): string[] {
    return this.suppressSiteStmt.all({ tenantId: site.tenantId, siteId: site.siteId, metric, openValue, by, at }) as string[];
  }

  /**
   * Moves the unresolved alerts suppressed by `from` to `to`, or lifts their suppression when
   * `to` is null. Resolved alerts keep theirs: it is part of their history. Returns the ids moved.
   */
  moveSuppression(from: string, to: string | null, at: number): string[] {
    return this.moveSuppressionStmt.all({ from, to, at }) as string[];
  }

  /** `expiresAt` null: the acknowledgement lasts until the alert resolves. */
  acknowledge(id: string, at: number, by: string, comment: string | null, expiresAt: number | null = null): boolean {
    return this.acknowledgeStmt.run({ id, at, by, comment, expiresAt }).changes > 0;
  }

  /** The series' most recently resolved alert: the one a new breach may continue. */
  lastResolvedOfSeries(seriesKey: string): AlertRecord | undefined {
    const raw = this.lastResolvedStmt.get(seriesKey) as RawAlert | undefined;
    return raw ? toAlert(raw) : undefined;
  }

  /**
   * Opens a resolved alert again as the next occurrence of its series, unacknowledged. The caller makes sure the
   * series has no other unresolved alert (the unique index would refuse it). False when the alert
   * was not resolved.
   */
  reopen(id: string, reopening: AlertReopening): boolean {
    return this.reopenStmt.run({ ...reopening, id, flapping: reopening.flapping ? 1 : 0 }).changes > 0;
  }

  /** False when the alert already had that flag. */
  setFlapping(id: string, flapping: boolean, at: number): boolean {
    return this.flappingStmt.run({ id, flapping: flapping ? 1 : 0, at }).changes > 0;
  }

  /** Attaches how a runbook run for the alert ended (see AlertRemediation). False when there is no such alert. */
  setRemediation(id: string, remediation: AlertRemediation): boolean {
    return this.remediationStmt.run({ id, remediation: JSON.stringify(remediation), at: remediation.at }).changes > 0;
  }

  /** Acknowledged alerts whose acknowledgement expired at or before `now`, soonest first. */
  listAckExpired(now: number, limit: number): AlertRecord[] {
    return (this.ackExpiredStmt.all(now, limit) as RawAlert[]).map(toAlert);
  }

  /**
   * The acknowledgement that expires at `at` lapses: the alert is open again, unacknowledged (its
   * response clock owes a response again; see the SLA clock). False when it is no longer that
   * acknowledgement (resolved, or acknowledged anew in the meantime).
   */
  expireAcknowledgement(id: string, at: number): boolean {
    return this.expireAckStmt.run({ id, at }).changes > 0;
  }

  /** Runs a group of alert writes atomically (one transaction per ingest batch); see Store.transaction. */
  transaction<T>(fn: () => T): T {
    return this.runTransaction(fn);
  }

  get(id: string): AlertRecord | undefined {
    const raw = this.byId.get(id) as RawAlert | undefined;
    return raw ? toAlert(raw) : undefined;
  }

  list(filter: AlertFilter = {}): AlertRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.state === 'active') where.push("state != 'resolved'");
    else if (filter.state) { where.push('state = ?'); params.push(filter.state); }
    if (filter.priority) { where.push('priority = ?'); params.push(filter.priority); }
    if (filter.tenantId) { where.push('tenant_id = ?'); params.push(filter.tenantId); }
    if (filter.agentId) { where.push('agent_id = ?'); params.push(filter.agentId); }
    if (filter.visibleTenants) {
      where.push(`tenant_id IN (${filter.visibleTenants.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...filter.visibleTenants);
    }
    params.push(filter.limit ?? 1000);
    const sql = `SELECT * FROM alerts${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id LIMIT ?`;
    return (this.db.prepare(sql).all(...params) as RawAlert[]).map(toAlert);
  }

  /** Every unresolved alert (no limit), or every unresolved alert of one agent. */
  listUnresolved(agentId?: string): AlertRecord[] {
    const rows = agentId === undefined
      ? this.db.prepare("SELECT * FROM alerts WHERE state != 'resolved' ORDER BY opened_at DESC").all()
      : this.db.prepare("SELECT * FROM alerts WHERE state != 'resolved' AND agent_id = ? ORDER BY opened_at DESC").all(agentId);
    return (rows as RawAlert[]).map(toAlert);
  }
}
