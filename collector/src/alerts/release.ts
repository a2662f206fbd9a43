import type { Alert, AlertReleaseReason } from '@vigil/shared';

type HoldFields = Pick<Alert, 'state' | 'flapping' | 'suppressedBy' | 'maintenanceWindowId'>;

/** Whether anything still holds the alert back from notifying. */
export function isHeld(alert: HoldFields): boolean {
  return alert.flapping || alert.suppressedBy !== null || alert.maintenanceWindowId !== null;
}

/**
 * The alert's `lifted` hold (its flapping flag or its suppression) just changed: whether that made
 * the alert, still unresolved, notifiable again. Not when the change put the hold on (or moved the
 * suppression to another alert), nor while another hold remains: the last hold to end releases it.
 */
export function releasedFrom(after: HoldFields, lifted: Exclude<AlertReleaseReason, 'maintenance'>): AlertReleaseReason | null {
  if (after.state === 'resolved' || isHeld(after)) return null;
  return lifted;
}
