import type { Logger } from 'pino';
import type { AlertEvents } from '../alerts/alert-events.js';
import { toPublicAlert } from '../alerts/to-public.js';
import type { DueClock } from '../store/alert-clocks.js';
import type { AlertRecord, Store } from '../store/index.js';
import type { CompiledSlaPolicy } from './policy.js';
import { resumedClocks, slaDeadlines, restartedDeadlines } from './deadlines.js';
import { applyClockEvents, dueClockEvents, nextClockAt } from './due-events.js';
import { escalateNowEvent, type EscalateNowReason } from './escalate-now.js';
import type { SlaPolicies } from './sla-policies.js';
import type { ClockEvent, ClockedAlert } from './types.js';

export interface SlaClockDeps {
  store: Store;
  events: AlertEvents;
  policies: SlaPolicies;
  log: Logger;
  now: () => number;
}

export interface SlaClockOptions {
  /** How often the clock looks for due breaches and escalations (default 1 s). */
  tickMs?: number;
  /** At most this many alerts per tick, so that catching up never holds the event loop long. */
  batch?: number;
}

/**
 * The I/O edge around the SLA functions: stamps deadlines on new alerts (a beforeOpen hook of the
 * alert service), and on one timer records the breaches and escalations that fell due, each at
 * its exact instant, in one transaction per tick, publishing them once committed. Instants come
 * from the deadlines, not from the tick, so a collector that was down records on its first tick
 * what happened while it was down, when it happened.
 */
export class SlaClock {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly tickMs: number;
  private readonly batch: number;

  constructor(private readonly deps: SlaClockDeps, options: SlaClockOptions = {}) {
    this.tickMs = options.tickMs ?? 1000;
    this.batch = options.batch ?? 2000;
  }

  /** Catches up at once, then looks again every tick until stop(). */
  start(): void {
    if (this.stopped || this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** For AlertService's beforeOpen hooks: deadlines from the alert's priority and its tenant's policy. */
  readonly beforeOpen = (record: AlertRecord, now: number): void => {
    const deadlines = slaDeadlines(record.priority, now, this.deps.policies.compiled(record.tenantId));
    record.respondBy = deadlines.respondBy;
    record.resolveBy = deadlines.resolveBy;
  };

  /** One pass (the timer calls this too); returns how many alerts it looked at. */
  tick(now = this.deps.now()): number {
    if (this.stopped) return 0;
    try {
      return this.deps.store.transaction(() => {
        const due = this.deps.store.sla.clocks.due(now, this.batch);
        for (const clock of due) this.look(clock, now);
        return due.length;
      });
    } catch (err) {
      this.deps.log.error({ err }, 'SLA clock tick failed; retried at the next tick');
      return 0;
    }
  }

  /**
   * The alert was released from a maintenance window, or opened again. Clocks that a window paused
   * while they ran go on where they stood, the time held added (see resumedClocks); otherwise
   * (held since it opened, or a new occurrence) they start over at `now` (see restartedDeadlines):
   * a new occurrence owes its own response and resolution, and a breach of either is recorded
   * (its instant replacing the earlier occurrence's) and sent as alert.breached again. Its
   * escalation level stays, as levels never go down: the people an earlier occurrence reached
   * stay on it, and the steps above that level count from the restart. Joins the caller's
   * transaction; call it before reading the alert to publish, so that the alert carries its new
   * deadlines. Returns the updated alert, or undefined when there is none.
   */
  restart(alertId: string, now: number): AlertRecord | undefined {
    return this.deps.store.transaction(() => {
      const record = this.deps.store.alerts.get(alertId);
      const clock = this.deps.store.sla.clocks.clockOf(alertId);
      if (!record || !clock || record.state === 'resolved') return record;
      const policy = this.deps.policies.compiled(record.tenantId);
      if (clock.clocksPausedAt !== null) {
        this.resume(record, clock, clock.clocksPausedAt, policy, now);
        return this.deps.store.alerts.get(alertId);
      }
      const deadlines = restartedDeadlines(this.clocked(record, clock, policy).alert, policy, now);
      // Looked at on the next tick once out of the window, which schedules what comes next.
      this.deps.store.sla.clocks.setDeadlines(alertId, deadlines, now);
      this.deps.store.afterCommit(() => this.deps.log.info({ alertId, tenant: record.tenantId, ...deadlines }, 'SLA clocks restarted'));
      return this.deps.store.alerts.get(alertId);
    });
  }

  /**
   * Escalates the alert one level at once (its runbook failed), published as alert.escalated once
   * committed so that the new level's channels hear of it as of any escalation. Joins the
   * caller's transaction. Returns the level reached, or null when the alert could not go higher
   * (resolved, inside a maintenance window, already L4).
   */
  escalateNow(alertId: string, reason: EscalateNowReason, at: number): number | null {
    return this.deps.store.transaction(() => {
      const record = this.deps.store.alerts.get(alertId);
      const event = record ? escalateNowEvent(record, reason, at) : null;
      // The clock's next look stays as scheduled: a higher level only removes raises it had planned.
      if (!event || !this.deps.store.sla.clocks.raiseLevel(alertId, event.level, event.at)) return null;
      this.publish(alertId, [event]);
      return event.level;
    });
  }

  /**
   * A window paused the clocks at `pausedAt`: what fell due up to then is recorded at its instant
   * (if the clock had not looked since), then every instant still ahead moves by the time held.
   */
  private resume(record: AlertRecord, clock: DueClock, pausedAt: number, policy: CompiledSlaPolicy, now: number): void {
    const { store } = this.deps;
    const { alert } = this.clocked(record, clock, policy);
    const settled = dueClockEvents({ ...alert, maintenanceWindowId: null }, policy, pausedAt);
    this.recordEvents(record.id, settled);
    const resumed = resumedClocks(applyClockEvents(alert, settled), pausedAt, now);
    // Looked at on the next tick, which schedules what comes next.
    store.sla.clocks.resume(record.id, resumed, now);
    store.afterCommit(() => this.deps.log.info({ alertId: record.id, tenant: record.tenantId, heldMs: now - pausedAt, ...resumed }, 'SLA clocks resumed'));
    if (settled.length > 0) this.publish(record.id, settled);
  }

  /** The alert as its clocks see it; one opened before this collector kept SLA clocks counts from its opening. */
  private clocked(record: AlertRecord, clock: DueClock, policy: CompiledSlaPolicy): { alert: ClockedAlert; unstamped: boolean } {
    const alert: ClockedAlert = { ...record, slaStartedAt: clock.slaStartedAt, ackLapsedAt: clock.ackLapsedAt, clocksPausedAt: clock.clocksPausedAt };
    const unstamped = alert.respondBy === null && alert.resolveBy === null && alert.state !== 'resolved';
    if (!unstamped) return { alert, unstamped };
    return { alert: { ...alert, ...slaDeadlines(alert.priority, alert.slaStartedAt ?? alert.openedAt, policy) }, unstamped };
  }

  private recordEvents(alertId: string, events: readonly ClockEvent[]): void {
    for (const event of events) {
      if (event.kind === 'breach') this.deps.store.sla.clocks.recordBreach(alertId, event.clock, event.at);
      else this.deps.store.sla.clocks.raiseLevel(alertId, event.level, event.at);
    }
  }

  private look(clock: DueClock, now: number): void {
    const { store } = this.deps;
    const record = store.alerts.get(clock.id);
    if (!record) return;
    const policy = this.deps.policies.compiled(record.tenantId);
    const { alert, unstamped } = this.clocked(record, clock, policy);
    // Stamped before any breach is recorded: a breach is recorded against the deadline it missed
    // (one before the clock's deadline is an earlier occurrence's; see occurrenceBreachAt).
    if (unstamped && alert.respondBy !== null && alert.resolveBy !== null) {
      store.sla.clocks.setDeadlines(record.id, { respondBy: alert.respondBy, resolveBy: alert.resolveBy, slaStartedAt: alert.slaStartedAt }, now);
    }

    const events = dueClockEvents(alert, policy, now);
    this.recordEvents(record.id, events);
    store.sla.clocks.schedule(record.id, nextClockAt(applyClockEvents(alert, events), policy));
    if (events.length > 0) this.publish(record.id, events);
  }

  /** After commit, in time order, each with the alert as recorded. */
  private publish(alertId: string, events: readonly ClockEvent[]): void {
    const stored = this.deps.store.alerts.get(alertId);
    if (!stored) return;
    const alert = toPublicAlert(stored);
    this.deps.store.afterCommit(() => {
      for (const event of events) {
        if (event.kind === 'breach') {
          this.deps.log.info({ alertId, tenant: alert.tenantId, clock: event.clock, at: event.at }, 'alert SLA breached');
          this.deps.events.publish({ type: 'alert.breached', alert, clock: event.clock });
        } else {
          this.deps.log.info({ alertId, tenant: alert.tenantId, level: event.level, at: event.at, reason: event.reason }, 'alert escalated');
          this.deps.events.publish({ type: 'alert.escalated', alert, level: event.level });
        }
      }
    });
  }
}
