import type { ClockEvent, ClockedAlert } from './types.js';

type EscalateEvent = Extract<ClockEvent, { kind: 'escalate' }>;
export type EscalateNowReason = Extract<EscalateEvent['reason'], 'remediation failed'>;

/**
 * Something other than time says the alert needs more hands now (its runbook failed): one level
 * up at `at`, without waiting for the clock. Null when there is nowhere to go: resolved, held by
 * a maintenance window (its clocks are paused), or already at L4. Levels never go down, and the
 * clock's own steps still apply afterwards (counted from this raise at the earliest).
 */
export function escalateNowEvent(alert: Pick<ClockedAlert, 'state' | 'maintenanceWindowId' | 'escalationLevel'>, reason: EscalateNowReason, at: number): EscalateEvent | null {
  if (alert.state === 'resolved' || alert.maintenanceWindowId !== null || alert.escalationLevel >= 4) return null;
  return { kind: 'escalate', level: (alert.escalationLevel + 1) as EscalateEvent['level'], at, reason };
}
