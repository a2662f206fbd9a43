import type { MaintenanceWindow } from '@vigil/shared';
import { nextBoundary, windowsInProgress, type ActiveWindow } from './calendar.js';

interface Span { from: number; until: number | null; active: ActiveWindow[] }

/**
 * The calendar's answers kept between boundaries: which windows are in progress cannot change
 * before the next start or end, so it is worked out once per boundary rather than on every alert
 * (reading a cron expression in a time zone takes milliseconds). Asked about an instant outside
 * the span it holds (the clock moved past the boundary, or back), it works it out again.
 */
export class CalendarCache {
  private span: Span | null = null;

  constructor(private windows: readonly MaintenanceWindow[]) {}

  /** The windows changed: nothing known holds any more. */
  replace(windows: readonly MaintenanceWindow[]): void {
    this.windows = windows;
    this.span = null;
  }

  /** windowsInProgress(windows, now). */
  inProgress(now: number): ActiveWindow[] {
    return this.at(now).active;
  }

  /** nextBoundary(windows, now). */
  nextBoundary(now: number): number | null {
    return this.at(now).until;
  }

  private at(now: number): Span {
    const span = this.span;
    if (span && now >= span.from && (span.until === null || now < span.until)) return span;
    this.span = { from: now, until: nextBoundary(this.windows, now), active: windowsInProgress(this.windows, now) };
    return this.span;
  }
}
