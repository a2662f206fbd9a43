import type { Alert } from '@vigil/shared';
import type { AlertEvent } from '../alerts/alert-events.js';

/**
 * The alert whose rule's runbook this event fires, or null. A runbook fires when its alert opens
 * (a re-open too), or, if it opened held, when it is released still broken: at a maintenance
 * window's end (one that resolved inside the window never runs it) or when its agent is back.
 * A suppressed alert's agent is offline: a remediation chosen on what it last said could do harm
 * when it lands. Flapping never held remediation back, so its end fires nothing new; nor does the
 * release of an alert whose runbook already ran in this occurrence (it was open before a window
 * paused it): the outcome is on record, and a second "restart the service" helps nobody.
 */
export function alertToRemediate(event: AlertEvent): Alert | null {
  const fires = (event.type === 'alert.released' && event.from !== 'flapping' && event.alert.remediation == null)
    || (event.type === 'alert.opened' && event.alert.maintenanceWindowId === null);
  if (!fires || event.alert.suppressedBy !== null) return null;
  // A site's alert has no agent to run anything on.
  if (event.alert.agentId === '') return null;
  return event.alert;
}
