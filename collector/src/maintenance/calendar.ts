import type { MaintenanceWindow, WindowOccurrence } from '@vigil/shared';
import type { AgentContext } from '../rules/index.js';
import { latestStartWithin, nextStart } from './cron.js';
import { windowCovers } from './scope.js';

/*
 * Pure calendar maths of maintenance windows: functions of (windows, agent, now), no clock, no
 * I/O. An occurrence runs from its start (inclusive) to its end (exclusive). A recurring window's
 * durationMinutes is elapsed time, so an occurrence that spans a DST change still lasts exactly
 * that long; its start is the cron expression read in the window's time zone.
 */

const MINUTE = 60_000;

/** The window's occurrence in progress at `now`, if any. */
export function occurrenceAt(window: MaintenanceWindow, now: number): WindowOccurrence | null {
  if (window.kind === 'once') return window.startsAt <= now && now < window.endsAt ? { startsAt: window.startsAt, endsAt: window.endsAt } : null;
  // The latest start ends last (every occurrence lasts as long), so it alone decides, even when
  // occurrences overlap; it is in progress if it lies within one duration before now.
  const duration = window.durationMinutes * MINUTE;
  const start = latestStartWithin(window, now, duration);
  return start === null ? null : { startsAt: start, endsAt: start + duration };
}

/** The occurrence in progress at `now`, else the next one; null when the window has none left. */
export function upcomingOccurrence(window: MaintenanceWindow, now: number): WindowOccurrence | null {
  const current = occurrenceAt(window, now);
  if (current) return current;
  if (window.kind === 'once') return now < window.startsAt ? { startsAt: window.startsAt, endsAt: window.endsAt } : null;
  const start = nextStart(window, now);
  return start === null ? null : { startsAt: start, endsAt: start + window.durationMinutes * MINUTE };
}

export interface ActiveWindow { window: MaintenanceWindow; occurrence: WindowOccurrence }

/**
 * Every window in progress at `now`, with its occurrence. The answer holds until
 * nextBoundary(windows, now), which lets callers keep it that long.
 */
export function windowsInProgress(windows: readonly MaintenanceWindow[], now: number): ActiveWindow[] {
  const active: ActiveWindow[] = [];
  for (const window of windows) {
    const occurrence = occurrenceAt(window, now);
    if (occurrence) active.push({ window, occurrence });
  }
  return active;
}

/**
 * Of the windows in progress, the one the agent is inside: of those covering it, the one whose
 * occurrence ends last (ties: the first listed), so that an alert held by it is not released
 * while another window still covers the agent.
 */
export function coveringWindow(active: readonly ActiveWindow[], agent: AgentContext): ActiveWindow | undefined {
  let best: ActiveWindow | undefined;
  for (const candidate of active) {
    if (!windowCovers(candidate.window.scope, agent)) continue;
    if (!best || candidate.occurrence.endsAt > best.occurrence.endsAt) best = candidate;
  }
  return best;
}

/** The window the agent is inside at `now` (see coveringWindow), if any. */
export function activeWindowFor(windows: readonly MaintenanceWindow[], agent: AgentContext, now: number): ActiveWindow | undefined {
  return coveringWindow(windowsInProgress(windows, now), agent);
}

/** The next instant strictly after `now` at which any window starts or ends; null when none will. */
export function nextBoundary(windows: readonly MaintenanceWindow[], now: number): number | null {
  let next: number | null = null;
  const consider = (instant: number | null): void => {
    if (instant !== null && instant > now && (next === null || instant < next)) next = instant;
  };
  for (const window of windows) {
    if (window.kind === 'once') {
      consider(window.startsAt);
      consider(window.endsAt);
      continue;
    }
    consider(occurrenceAt(window, now)?.endsAt ?? null);
    consider(nextStart(window, now));
  }
  return next;
}
