import type { Db } from './database.js';

/** An alert whose SLA clock is due for a look, with the clock's own columns. */
export interface DueClock {
  id: string;
  slaStartedAt: number | null;
  /** When the current occurrence's last acknowledgement lapsed; null when none did. */
  ackLapsedAt: number | null;
  /** When a maintenance window paused the clocks of the alert it holds; null when not paused. */
  clocksPausedAt: number | null;
}

const CLOCK_COLUMNS = 'id, sla_started_at AS slaStartedAt, ack_lapsed_at AS ackLapsedAt, clocks_paused_at AS clocksPausedAt';

/** An alert's clocks as they resume after a pause: deadlines moved by the time held, the pause over. */
export interface ResumedClocks { respondBy: number | null; resolveBy: number | null; slaStartedAt: number; ackLapsedAt: number | null }

/**
 * The SLA clock's SQL over the alerts table: which alerts it must look at, and what it records
 * (deadlines, breaches at their instants, escalation levels). `sla_next_at` is its index of work:
 * 0 for a new alert, the next instant anything can fall due, NULL once nothing can.
 */
export class AlertClockStore {
  private readonly dueStmt;
  private readonly clockStmt;
  private readonly setDeadlinesStmt;
  private readonly resumeStmt;
  private readonly respondBreachStmt;
  private readonly resolveBreachStmt;
  private readonly raiseStmt;
  private readonly scheduleStmt;
  private readonly rescheduleTenantStmt;

  constructor(db: Db) {
    // Alerts inside a maintenance window wait unless resolved there, which settles them, or held
    // while their clocks ran, which has what fell due before the pause recorded (once: nothing is
    // scheduled while held). The index covers the filter, so waiting alerts cost no row reads.
    this.dueStmt = db.prepare(
      `SELECT ${CLOCK_COLUMNS} FROM alerts
       WHERE sla_next_at IS NOT NULL AND sla_next_at <= @now
         AND (maintenance_window_id IS NULL OR state = 'resolved' OR clocks_paused_at IS NOT NULL)
       ORDER BY sla_next_at LIMIT @limit`,
    );
    this.clockStmt = db.prepare(`SELECT ${CLOCK_COLUMNS} FROM alerts WHERE id = ?`);
    this.setDeadlinesStmt = db.prepare(
      `UPDATE alerts SET respond_by = @respondBy, resolve_by = @resolveBy, sla_started_at = @slaStartedAt, sla_next_at = @nextAt
       WHERE id = @id`,
    );
    this.resumeStmt = db.prepare(
      `UPDATE alerts SET respond_by = @respondBy, resolve_by = @resolveBy, sla_started_at = @slaStartedAt, ack_lapsed_at = @ackLapsedAt,
         clocks_paused_at = NULL, sla_next_at = @nextAt
       WHERE id = @id`,
    );
    // Breaches and raises are written once, at their instant; updated_at never moves backwards.
    // Once per occurrence: a breach recorded before the clock's current deadline is an earlier
    // occurrence's (see occurrenceBreachAt), which the new occurrence's breach replaces.
    this.respondBreachStmt = db.prepare(
      `UPDATE alerts SET respond_breached_at = @at, updated_at = MAX(updated_at, @at)
       WHERE id = @id AND (respond_breached_at IS NULL OR respond_breached_at < respond_by)`,
    );
    this.resolveBreachStmt = db.prepare(
      `UPDATE alerts SET resolve_breached_at = @at, updated_at = MAX(updated_at, @at)
       WHERE id = @id AND (resolve_breached_at IS NULL OR resolve_breached_at < resolve_by)`,
    );
    this.raiseStmt = db.prepare(
      `UPDATE alerts SET escalation_level = @level, escalated_at = @at, updated_at = MAX(updated_at, @at)
       WHERE id = @id AND escalation_level < @level`,
    );
    this.scheduleStmt = db.prepare('UPDATE alerts SET sla_next_at = @nextAt WHERE id = @id');
    this.rescheduleTenantStmt = db.prepare(
      "UPDATE alerts SET sla_next_at = 0 WHERE tenant_id = ? AND state != 'resolved' AND sla_next_at IS NOT NULL",
    );
  }

  /** Alerts due for a look at `now`, most overdue first. */
  due(now: number, limit: number): DueClock[] {
    return this.dueStmt.all({ now, limit }) as DueClock[];
  }

  clockOf(id: string): DueClock | undefined {
    return this.clockStmt.get(id) as DueClock | undefined;
  }

  /** Stamps deadlines after the opening (an alert from before SLA clocks, or a restart after maintenance). */
  setDeadlines(id: string, deadlines: { respondBy: number; resolveBy: number; slaStartedAt: number | null }, nextAt: number | null): void {
    this.setDeadlinesStmt.run({ id, ...deadlines, nextAt });
  }

  /** The pause is over: the clocks as they resume (see resumedClocks), looked at again at `nextAt`. */
  resume(id: string, clocks: ResumedClocks, nextAt: number | null): void {
    this.resumeStmt.run({ id, ...clocks, nextAt });
  }

  recordBreach(id: string, clock: 'respond' | 'resolve', at: number): boolean {
    return (clock === 'respond' ? this.respondBreachStmt : this.resolveBreachStmt).run({ id, at }).changes > 0;
  }

  /** Raises the level; never lowers it. */
  raiseLevel(id: string, level: number, at: number): boolean {
    return this.raiseStmt.run({ id, level, at }).changes > 0;
  }

  schedule(id: string, nextAt: number | null): void {
    this.scheduleStmt.run({ id, nextAt });
  }

  /** The tenant's policy changed: its unresolved alerts are looked at again at once. */
  rescheduleTenant(tenantId: string): number {
    return this.rescheduleTenantStmt.run(tenantId).changes;
  }
}
