import type { Alert } from '@vigil/shared';

/** What the SLA clock reads of an alert. */
export type ClockedAlert = Pick<
  Alert,
  'priority' | 'state' | 'openedAt' | 'acknowledgedAt' | 'resolvedAt' | 'maintenanceWindowId' | 'respondBy' | 'resolveBy'
  | 'respondBreachedAt' | 'resolveBreachedAt' | 'escalationLevel' | 'escalatedAt'
> & {
  /**
   * When the clocks started: null for the opening; the re-open instant for a later occurrence;
   * the release instant after a maintenance window the alert was held in since it (re-)opened;
   * moved on by the time held after a pause.
   */
  slaStartedAt: number | null;
  /**
   * When the current occurrence's last acknowledgement lapsed (null: none did); moved on by the
   * time held after a pause, like slaStartedAt. `acknowledgedAt` is the acknowledgement in force,
   * if any; one that lapsed stopped the response clock until then, and from then a response is
   * owed again within the priority's respond target.
   */
  ackLapsedAt: number | null;
  /**
   * When a maintenance window paused the clocks of an alert that was already open (null: not
   * paused; an alert held since it opened has clocks that never ran).
   */
  clocksPausedAt: number | null;
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
