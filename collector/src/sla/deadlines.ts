import type { Priority } from '@vigil/shared';
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
