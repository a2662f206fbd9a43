import type { ClockedAlert, SlaClockName } from './types.js';

type BreachFields = Pick<ClockedAlert, 'respondBy' | 'resolveBy' | 'respondBreachedAt' | 'resolveBreachedAt'>;

/**
 * The breach of this clock that the alert's current occurrence recorded, or null when it has
 * none yet. A re-open leaves an earlier occurrence's breach on the alert (it did miss that
 * commitment, and the KPI report counts it) but starts the clocks over, so every deadline of the
 * new occurrence lies after it. A breach is never recorded before the deadline it missed, and a
 * maintenance pause moves only deadlines still ahead of what was recorded: a recorded breach is
 * this occurrence's exactly when it is at or after the clock's current deadline. Without a
 * deadline (not stamped yet, as right after a re-open) no clock of this occurrence has run.
 */
export function occurrenceBreachAt(alert: BreachFields, clock: SlaClockName): number | null {
  const [deadline, breachedAt] = clock === 'respond'
    ? [alert.respondBy, alert.respondBreachedAt]
    : [alert.resolveBy, alert.resolveBreachedAt];
  return deadline !== null && breachedAt !== null && breachedAt >= deadline ? breachedAt : null;
}
