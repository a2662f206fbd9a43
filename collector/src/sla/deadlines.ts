import type { Priority } from '@vigil/shared';
import type { ResumedClocks } from '../store/alert-clocks.js';
import { occurrenceBreachAt } from './occurrence-breach.js';
import type { CompiledSlaPolicy } from './policy.js';
import type { ClockedAlert, SlaDeadlines } from './types.js';

/** The deadlines of an alert of this priority whose clocks start at `startedAt`. */
export function slaDeadlines(priority: Priority, startedAt: number, policy: CompiledSlaPolicy): SlaDeadlines {
  const targets = policy.priorities[priority];
  return { respondBy: startedAt + targets.respondMs, resolveBy: startedAt + targets.resolveMs };
}

/**
 * Clocks that start over at `now`: a new occurrence (a re-open, whose store update already
 * dropped the last occurrence's deadlines) or an alert released from the maintenance window it
 * was held in since it opened. A clock this occurrence had already breached keeps its deadline
 * and breach (a missed commitment stays on the record); a breach of an earlier occurrence does
 * not stop the new clock (see occurrenceBreachAt). An acknowledgement made inside the window
 * comes before the new response deadline, so it counts.
 */
export function restartedDeadlines(alert: ClockedAlert, policy: CompiledSlaPolicy, now: number): SlaDeadlines & { slaStartedAt: number } {
  const fresh = slaDeadlines(alert.priority, now, policy);
  return {
    slaStartedAt: now,
    respondBy: occurrenceBreachAt(alert, 'respond') !== null && alert.respondBy !== null ? alert.respondBy : fresh.respondBy,
    resolveBy: occurrenceBreachAt(alert, 'resolve') !== null && alert.resolveBy !== null ? alert.resolveBy : fresh.resolveBy,
  };
}

/**
 * An alert whose running clocks a maintenance window paused at `pausedAt` (see clocksPausedAt) is
 * released at `now`: its clocks go on where they stood, the time held added to every instant
 * still ahead at the pause (deadlines, escalation steps through their start). A lapse of the
 * acknowledgement starts a response window (see dueClockEvents): one before the pause has that
 * window moved on by the time held, like the steps' start; one inside the window counts as at
 * the release. What fell due up to the pause must be recorded first (dueClockEvents at
 * `pausedAt`): its instants stay as they were, and moving a lapse whose window had already run
 * out by then changes nothing.
 */
export function resumedClocks(alert: ClockedAlert, pausedAt: number, now: number): ResumedClocks {
  const held = Math.max(0, now - pausedAt);
  const moved = (at: number | null): number | null => (at !== null && at > pausedAt ? at + held : at);
  const lapse = alert.ackLapsedAt;
  return {
    respondBy: moved(alert.respondBy),
    resolveBy: moved(alert.resolveBy),
    slaStartedAt: (alert.slaStartedAt ?? alert.openedAt) + held,
    ackLapsedAt: lapse === null ? null : lapse > pausedAt ? now : lapse + held,
  };
}
