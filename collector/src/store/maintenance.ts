import type { MaintenanceScope, MaintenanceWindow } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';

interface RawWindow {
  id: string; name: string; scope: string; kind: MaintenanceWindow['kind']; starts_at: number | null; ends_at: number | null;
  cron: string | null; duration_minutes: number | null; timezone: string | null; created_at: number; updated_at: number;
}

function toWindow(r: RawWindow): MaintenanceWindow {
  const common = { id: r.id, name: r.name, scope: parseJson<MaintenanceScope>(r.scope, {}), createdAt: r.created_at, updatedAt: r.updated_at };
  return r.kind === 'recurring'
    ? { ...common, kind: 'recurring', cron: r.cron!, durationMinutes: r.duration_minutes!, timezone: r.timezone! }
    : { ...common, kind: 'once', startsAt: r.starts_at!, endsAt: r.ends_at! };
}

/** An unresolved alert held back by a maintenance window. */
export interface HeldAlert { id: string; agentId: string; maintenanceWindowId: string }

/** An unresolved alert no window holds, with what its clocks last recorded. */
export interface UnheldAlert {
  id: string; agentId: string; openedAt: number;
  escalatedAt: number | null; respondBreachedAt: number | null; resolveBreachedAt: number | null;
}

/** Maintenance windows, and the maintenance_window_id column of the alerts they hold back. */
export class MaintenanceStore {
  private readonly heldStmt;
  private readonly unheldStmt;
  private readonly releaseStmt;
  private readonly moveStmt;
  private readonly setHoldStmt;
  private readonly pauseStmt;

  constructor(private readonly db: Db) {
    this.heldStmt = db.prepare(
      `SELECT id, agent_id AS agentId, maintenance_window_id AS maintenanceWindowId FROM alerts
       WHERE maintenance_window_id IS NOT NULL AND state != 'resolved' ORDER BY opened_at, id`,
    );
    this.unheldStmt = db.prepare(
      `SELECT id, agent_id AS agentId, opened_at AS openedAt, escalated_at AS escalatedAt,
         respond_breached_at AS respondBreachedAt, resolve_breached_at AS resolveBreachedAt
       FROM alerts WHERE maintenance_window_id IS NULL AND state != 'resolved' ORDER BY opened_at, id`,
    );
    // Guarded by the window id and the state, so that a release never undoes a resolve or a move
    // that committed in between. A pause (clocks_paused_at) stays for the SLA clock's resume to end.
    this.releaseStmt = db.prepare(
      `UPDATE alerts SET maintenance_window_id = NULL, updated_at = @at
       WHERE id = @id AND maintenance_window_id = @windowId AND state != 'resolved'`,
    );
    this.moveStmt = db.prepare(
      `UPDATE alerts SET maintenance_window_id = @to, updated_at = @at
       WHERE id = @id AND maintenance_window_id = @from AND state != 'resolved'`,
    );
    this.setHoldStmt = db.prepare(
      `UPDATE alerts SET maintenance_window_id = @windowId, updated_at = @at
       WHERE id = @id AND state != 'resolved' AND maintenance_window_id IS NOT @windowId`,
    );
    // Only an alert no window holds: one already held keeps the hold (and pause) it has.
    this.pauseStmt = db.prepare(
      `UPDATE alerts SET maintenance_window_id = @windowId, clocks_paused_at = @pausedAt, updated_at = MAX(updated_at, @at)
       WHERE id = @id AND state != 'resolved' AND maintenance_window_id IS NULL`,
    );
  }

  list(): MaintenanceWindow[] {
    return (this.db.prepare('SELECT * FROM maintenance_windows ORDER BY created_at, id').all() as RawWindow[]).map(toWindow);
  }

  get(id: string): MaintenanceWindow | undefined {
    const raw = this.db.prepare('SELECT * FROM maintenance_windows WHERE id = ?').get(id) as RawWindow | undefined;
    return raw ? toWindow(raw) : undefined;
  }

  /** Inserts or replaces the whole window (PATCH merges in the service, then saves the result). */
  save(window: MaintenanceWindow): void {
    const once = window.kind === 'once';
    this.db
      .prepare(
        `INSERT INTO maintenance_windows (id, name, scope, kind, starts_at, ends_at, cron, duration_minutes, timezone, created_at, updated_at)
         VALUES (@id, @name, @scope, @kind, @startsAt, @endsAt, @cron, @durationMinutes, @timezone, @createdAt, @updatedAt)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, scope = excluded.scope, kind = excluded.kind,
           starts_at = excluded.starts_at, ends_at = excluded.ends_at, cron = excluded.cron,
           duration_minutes = excluded.duration_minutes, timezone = excluded.timezone, updated_at = excluded.updated_at`,
      )
      .run({
        id: window.id, name: window.name, scope: JSON.stringify(window.scope), kind: window.kind,
        startsAt: once ? window.startsAt : null, endsAt: once ? window.endsAt : null,
        cron: once ? null : window.cron, durationMinutes: once ? null : window.durationMinutes, timezone: once ? null : window.timezone,
        createdAt: window.createdAt, updatedAt: window.updatedAt,
      });
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM maintenance_windows WHERE id = ?').run(id).changes > 0;
  }

  /** Every unresolved alert held back by a window (resolved ones keep their window id as history). */
  heldAlerts(): HeldAlert[] {
    return this.heldStmt.all() as HeldAlert[];
  }

  /** Every unresolved alert no window holds: those a window starting now may have to pause. */
  unheldAlerts(): UnheldAlert[] {
    return this.unheldStmt.all() as UnheldAlert[];
  }

  /** The alert fires now: no longer held by the window. False if it was resolved or moved meanwhile. */
  release(id: string, windowId: string, at: number): boolean {
    return this.releaseStmt.run({ id, windowId, at }).changes > 0;
  }

  /** An unresolved alert (one opening again) is held by this window, or by none; false if unchanged. */
  setHold(id: string, windowId: string | null, at: number): boolean {
    return this.setHoldStmt.run({ id, windowId, at }).changes > 0;
  }

  /**
   * An alert already open when the window started is held by it, its running SLA clocks paused
   * at `pausedAt` (the release resumes them). False if it resolved or another window holds it.
   */
  pause(id: string, windowId: string, pausedAt: number, at: number): boolean {
    return this.pauseStmt.run({ id, windowId, pausedAt, at }).changes > 0;
  }

  /** The alert's window ended while another one still covers its agent: held by that one instead (its pause goes on). */
  moveHold(id: string, from: string, to: string, at: number): boolean {
    return this.moveStmt.run({ id, from, to, at }).changes > 0;
  }
}
