import type { ActiveWindow } from './calendar.js';
import type { UnheldAlert } from '../store/maintenance.js';

/**
 * When a window that covers an alert already open pauses the alert's SLA clocks: at the start of
 * the window's occurrence, so that a collector that wakes late (or was down at the start) still
 * holds the alert from then. Never before the window was made what it is (created, or changed to
 * cover the agent), before the alert opened, or before anything its clocks already recorded (a
 * clock that caught up after downtime may have escalated inside the window: the pause begins
 * after that, so that the time it adds is time the clocks really stood still). Never after `now`.
 */
export function pauseStartsAt(active: ActiveWindow, alert: Omit<UnheldAlert, 'id' | 'agentId'>, now: number): number {
  const recorded = [alert.escalatedAt, alert.respondBreachedAt, alert.resolveBreachedAt].filter((at): at is number => at !== null);
  return Math.min(now, Math.max(active.occurrence.startsAt, active.window.updatedAt, alert.openedAt, ...recorded));
}
