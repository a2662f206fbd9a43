import {
  MaintenanceWindowInputSchema, describeZodError,
  type MaintenanceWindow, type MaintenanceWindowInput, type MaintenanceWindowPatch, type MaintenanceWindowView,
} from '@vigil/shared';
import type { Logger } from 'pino';
import type { AlertEvents } from '../alerts/alert-events.js';
import { evaluatedAgentFromRow } from '../alerts/evaluated-agent.js';
import { toPublicAlert } from '../alerts/to-public.js';
import { ApiError } from '../http/api-error.js';
import { fieldErrors } from '../http/validate.js';
import type { AgentContext } from '../rules/index.js';
import type { AlertRecord, Store } from '../store/index.js';
import { newId } from '../store/ids.js';
import { coveringWindow, upcomingOccurrence, type ActiveWindow } from './calendar.js';
import { CalendarCache } from './calendar-cache.js';
import { cronProblem } from './cron.js';
import { mergeWindowPatch } from './merge-patch.js';
import { pauseStartsAt } from './pause-start.js';

export interface MaintenanceDeps {
  store: Store;
  events: AlertEvents;
  log: Logger;
  now: () => number;
  /**
   * Sets the released alert's SLA clocks going (SlaClock.restart): they resume from the pause,
   * shifted by the time held, when the window paused them while they ran (clocks_paused_at); they
   * start over when the alert was held since it opened. Called inside the release's transaction,
   * after the hold is cleared and before the alert is read for the feed.
   */
  restartClocks?: (alertId: string, now: number) => void;
}

export interface MaintenanceOptions {
  /** The timer never sleeps longer than this, so that a wall-clock jump is caught up (default 1 h). */
  maxSleepMs?: number;
  /** After a failed sweep, the next try (default 5 s). */
  retryMs?: number;
}

/**
 * The I/O edge around the maintenance calendar: keeps the windows (in memory, written through to
 * the store), stamps new alerts of agents inside a window (a beforeOpen hook of the alert
 * service), and on one timer, at each window boundary, sweeps: alerts already open on agents a
 * window now covers are held by it, their running SLA clocks paused from the window's start
 * (`alert.updated` tells the feed); alerts whose window is over are released: their hold is
 * cleared, their SLA clocks go again (resumed, or started over for an alert held since it opened)
 * and `alert.released` goes to the feed. Alerts that resolved inside the window are not touched
 * and stay quiet. Creating, changing or deleting a window sweeps at once.
 */
export class MaintenanceService {
  private windows: MaintenanceWindow[];
  private readonly calendar: CalendarCache;
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private stopped = false;
  private readonly maxSleepMs: number;
  private readonly retryMs: number;

  constructor(private readonly deps: MaintenanceDeps, options: MaintenanceOptions = {}) {
    this.windows = deps.store.maintenance.list();
    this.calendar = new CalendarCache(this.windows);
    this.maxSleepMs = options.maxSleepMs ?? 3_600_000;
    this.retryMs = options.retryMs ?? 5_000;
  }

  /** Releases what ended and holds what started while the collector was down, then wakes at every boundary until stop(). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** For AlertService's beforeOpen hooks: an alert opening inside a window is held by it. */
  readonly beforeOpen = (record: AlertRecord, now: number): void => {
    if (this.windows.length === 0) return;
    this.sweepIfBoundaryPassed(now);
    const inProgress = this.calendar.inProgress(now);
    if (inProgress.length === 0) return;
    const agent = this.agentContext(record.agentId);
    const active = agent && coveringWindow(inProgress, agent);
    if (active) record.maintenanceWindowId = active.window.id;
  };

  /**
   * For AlertService's onReopen hooks: an alert opening again is held if its agent is inside a
   * window now, and no longer by the window it resolved in (that one stays on it as history only
   * while it is resolved).
   */
  readonly onReopen = (alertId: string, now: number): void => {
    const record = this.deps.store.alerts.get(alertId);
    if (!record) return;
    const inProgress = this.calendar.inProgress(now);
    const agent = inProgress.length > 0 ? this.agentContext(record.agentId) : undefined;
    const active = agent && coveringWindow(inProgress, agent);
    this.deps.store.maintenance.setHold(alertId, active ? active.window.id : null, now);
    this.sweepIfBoundaryPassed(now);
  };

  /**
   * An alert is judged at the time its frame arrived, which can be just before a window boundary
   * while it commits just after the sweep at that boundary has run: nothing would release it (a
   * window that ended) or hold it (one that started) then. Once the alert is committed, a
   * boundary already passed gets a sweep of its own.
   */
  private sweepIfBoundaryPassed(judgedAt: number): void {
    const boundary = this.calendar.nextBoundary(judgedAt);
    if (boundary === null) return;
    this.deps.store.afterCommit(() => {
      if (this.started && boundary <= this.deps.now()) this.schedule(1);
    });
  }

  list(): MaintenanceWindow[] {
    return [...this.windows];
  }

  get(id: string): MaintenanceWindow {
    const window = this.windows.find((w) => w.id === id);
    if (!window) throw ApiError.notFound('maintenance window', id);
    return window;
  }

  /** The window as the API shows it, with its occurrence in progress or next. */
  view(window: MaintenanceWindow, now: number): MaintenanceWindowView {
    return { ...window, occurrence: upcomingOccurrence(window, now) };
  }

  /** `record` runs inside the transaction that stores the change (its audit entry). */
  create(input: MaintenanceWindowInput, now: number, record?: (window: MaintenanceWindow) => void): MaintenanceWindow {
    this.requireUsable(input, now);
    const window: MaintenanceWindow = { ...input, id: newId('mnt'), createdAt: now, updatedAt: now };
    this.deps.store.transaction(() => {
      this.deps.store.maintenance.save(window);
      record?.(window);
    });
    this.windows = [...this.windows, window];
    this.changed(now);
    return window;
  }

  /** `record` runs inside the transaction that stores the change (its audit entry). */
  patch(id: string, patch: MaintenanceWindowPatch, now: number, record?: (after: MaintenanceWindow, before: MaintenanceWindow) => void): MaintenanceWindow {
    const current = this.get(id);
    const merged = MaintenanceWindowInputSchema.safeParse(mergeWindowPatch(current, patch));
    // The merged input's paths are the body's: a form can place each message by its field.
    if (!merged.success) throw new ApiError(400, 'invalid_body', `invalid body: ${describeZodError(merged.error)}`, fieldErrors(merged.error));
    this.requireUsable(merged.data, now);
    const window: MaintenanceWindow = { ...merged.data, id, createdAt: current.createdAt, updatedAt: now };
    this.deps.store.transaction(() => {
      this.deps.store.maintenance.save(window);
      record?.(window, current);
    });
    this.windows = this.windows.map((w) => (w.id === id ? window : w));
    this.changed(now);
    return window;
  }

  delete(id: string, now: number, record?: (window: MaintenanceWindow) => void): void {
    const window = this.get(id);
    this.deps.store.transaction(() => {
      this.deps.store.maintenance.delete(id);
      record?.(window);
    });
    this.windows = this.windows.filter((w) => w.id !== id);
    this.changed(now);
  }

  /**
   * One pass, in one transaction (the feed hears of it once committed): every held alert whose
   * agent is no longer inside its window is released, or moved to the window that still covers
   * its agent; then every unresolved alert not held whose agent is inside a window is held by it,
   * its clocks paused. Returns how many alerts were released.
   */
  sweep(now: number): number {
    const inProgress = this.calendar.inProgress(now);
    const agents = new Map<string, AgentContext | undefined>();
    const agentOf = (id: string): AgentContext | undefined => {
      if (!agents.has(id)) agents.set(id, this.agentContext(id));
      return agents.get(id);
    };
    return this.deps.store.transaction(() => {
      const released = this.release(inProgress, agentOf, now);
      this.pause(inProgress, agentOf, now);
      return released;
    });
  }

  private release(inProgress: readonly ActiveWindow[], agentOf: (id: string) => AgentContext | undefined, now: number): number {
    const { store, log } = this.deps;
    let released = 0;
    for (const alert of store.maintenance.heldAlerts()) {
      const agent = agentOf(alert.agentId);
      const active = agent && coveringWindow(inProgress, agent);
      if (active?.window.id === alert.maintenanceWindowId) continue;
      if (active) {
        // Still inside another window (overlapping ones): held on, by that one.
        if (store.maintenance.moveHold(alert.id, alert.maintenanceWindowId, active.window.id, now)) this.publish(alert.id, 'alert.updated');
        continue;
      }
      if (!store.maintenance.release(alert.id, alert.maintenanceWindowId, now)) continue;
      this.deps.restartClocks?.(alert.id, now);
      this.publish(alert.id, 'alert.released');
      store.afterCommit(() => log.info({ alertId: alert.id, agentId: alert.agentId, windowId: alert.maintenanceWindowId }, 'alert released from maintenance'));
      released++;
    }
    return released;
  }

  /**
   * Alerts that were open before their agent's window started (or before a window was made to
   * cover it) are held by it from then on: neither notified nor remediated, clocks paused.
   */
  private pause(inProgress: readonly ActiveWindow[], agentOf: (id: string) => AgentContext | undefined, now: number): void {
    if (inProgress.length === 0) return;
    const { store, log } = this.deps;
    for (const alert of store.maintenance.unheldAlerts()) {
      const agent = agentOf(alert.agentId);
      const active = agent && coveringWindow(inProgress, agent);
      if (!active) continue;
      const pausedAt = pauseStartsAt(active, alert, now);
      if (!store.maintenance.pause(alert.id, active.window.id, pausedAt, now)) continue;
      this.publish(alert.id, 'alert.updated');
      store.afterCommit(() => log.info({ alertId: alert.id, agentId: alert.agentId, windowId: active.window.id, pausedAt }, 'alert held by maintenance, clocks paused'));
    }
  }

  private publish(alertId: string, type: 'alert.released' | 'alert.updated'): void {
    const record = this.deps.store.alerts.get(alertId);
    if (!record) return;
    const alert = toPublicAlert(record);
    this.deps.store.afterCommit(() => this.deps.events.publish(type === 'alert.released' ? { type, alert, from: 'maintenance' } : { type, alert }));
  }

  /** A window was created, changed or deleted: release what it no longer covers, hold what it now covers, and re-arm. */
  private changed(now: number): void {
    this.calendar.replace(this.windows);
    try {
      this.sweep(now);
    } catch (err) {
      // The change itself is stored; the timer retries the sweep.
      this.deps.log.error({ err }, 'holding or releasing alerts for maintenance failed; retrying');
      if (this.started) this.schedule(this.retryMs);
      return;
    }
    if (this.started) this.arm();
  }

  private readonly wake = (): void => {
    this.timer = null;
    if (this.stopped) return;
    try {
      this.sweep(this.deps.now());
    } catch (err) {
      this.deps.log.error({ err }, 'holding or releasing alerts for maintenance failed; retrying');
      this.schedule(this.retryMs);
      return;
    }
    this.arm();
  };

  /** Sleeps until the next window boundary (start or end); not at all while no window has one ahead. */
  private arm(): void {
    if (this.stopped) return;
    const now = this.deps.now();
    const boundary = this.calendar.nextBoundary(now);
    if (boundary === null) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      return;
    }
    // At least 1 ms: a timer that fires a hair early sleeps again instead of spinning.
    this.schedule(Math.min(Math.max(boundary - now, 1), this.maxSleepMs));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(this.wake, delayMs);
    this.timer.unref();
  }

  private agentContext(agentId: string): AgentContext | undefined {
    const row = this.deps.store.agents.get(agentId);
    return row ? evaluatedAgentFromRow(row) : undefined;
  }

  /** What the schema cannot know: whether the cron expression fires, and whether listed agents exist. */
  private requireUsable(input: MaintenanceWindowInput, now: number): void {
    if (input.kind === 'recurring') {
      const problem = cronProblem(input, now);
      if (problem) throw ApiError.invalidField('body', 'cron', problem);
    }
    const missing = (input.scope.agentIds ?? []).filter((id) => !this.deps.store.agents.get(id));
    if (missing.length > 0) {
      throw ApiError.invalidField('body', 'scope.agentIds', `unknown agent${missing.length > 1 ? 's' : ''} ${missing.slice(0, 5).join(', ')}`);
    }
  }
}
