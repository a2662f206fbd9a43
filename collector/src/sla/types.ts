import type { Alert } from '@vigil/shared';

/** What the SLA clock reads of an alert. */
export type ClockedAlert = Pick<
  Alert,
  'priority' | 'state' | 'openedAt' | 'acknowledgedAt' | 'resolvedAt' | 'maintenanceWindowId' | 'respondBy' | 'resolveBy'
  | 'respondBreachedAt' | 'resolveBreachedAt' | 'escalationLevel' | 'escalatedAt'
> & {
  /** When the clocks started: null for the opening; the release instant after a maintenance window. */
  slaStartedAt: number | null;
};

export type SlaClockName = 'respond' | 'resolve';

/** Something that became due, at its exact instant. */
export type ClockEvent =
  | { kind: 'breach'; clock: SlaClockName; at: number }
  | { kind: 'escalate'; level: 2 | 3 | 4; at: number; reason: 'elapsed' | 'respond breach' | 'resolve breach' | 'remediation failed' };

export interface SlaDeadlines {
  respondBy: number;
  resolveBy: number;
}
