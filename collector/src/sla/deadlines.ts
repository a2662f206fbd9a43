import type { Priority } from '@vigil/shared';
import type { ResumedClocks } from '../store/alert-clocks.js';
import type { CompiledSlaPolicy } from './policy.js';
import type { ClockedAlert, SlaDeadlines } from './types.js';

/** The deadlines of an alert of this priority whose clocks start at `startedAt`. */
export function slaDeadlines(priority: Priority, startedAt: number, policy: CompiledSlaPolicy): SlaDeadlines {
  const targets = policy.priorities[priority];
  return { respondBy: startedAt + targets.respondMs, resolveBy: startedAt + targets.resolveMs };
}

/**
 * An alert released from a maintenance window: its clocks start over at the release. A clock that
 * had already breached keeps its deadline and breach (a missed commitment stays on the record); an
 * acknowledgement made inside the window comes before the new response deadline, so it counts.
 */
export function restartedDeadlines(alert: ClockedAlert, policy: CompiledSlaPolicy, now: number): SlaDeadlines & { slaStartedAt: number } {
  const fresh = slaDeadlines(alert.priority, now, policy);
  return {
    slaStartedAt: now,
    respondBy: alert.respondBreachedAt !== null && alert.respondBy !== null ? alert.respondBy : fresh.respondBy,
    resolveBy: alert.resolveBreachedAt !== null && alert.resolveBy !== null ? alert.resolveBy : fresh.resolveBy,
  };
}

/**
 * An alert whose running clocks a maintenance window paused at `pausedAt` (see clocksPausedAt) is
 * released at `now`: its clocks go on where they stood, the time held added to every instant
 * still ahead at the pause (deadlines, escalation steps through their start, a lapse of the
 * acknowledgement inside the window, which counts as at the release). What fell due up to the
 * pause must be recorded first (dueClockEvents at `pausedAt`): its instants stay as they were.
 */
export function resumedClocks(alert: ClockedAlert, pausedAt: number, now: number): ResumedClocks {
  const held = Math.max(0, now - pausedAt);
  const moved = (at: number | null): number | null => (at !== null && at > pausedAt ? at + held : at);
  return {
    respondBy: moved(alert.respondBy),
    resolveBy: moved(alert.resolveBy),
    slaStartedAt: (alert.slaStartedAt ?? alert.openedAt) + held,
    ackLapsedAt: alert.ackLapsedAt !== null && alert.ackLapsedAt > pausedAt ? now : alert.ackLapsedAt,
  };
}
