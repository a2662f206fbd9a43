import type { MaintenanceWindow, MaintenanceWindowView } from '@vigil/shared';
import { weeklyFrom, weeklyText } from './weekly-cron.js';

/** 90 → "1 h 30 min", 2880 → "2 d". */
export function durationText(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts = [days > 0 && `${days} d`, hours > 0 && `${hours} h`, mins > 0 && `${mins} min`].filter((p): p is string => typeof p === 'string');
  return parts.length > 0 ? parts.join(' ') : '0 min';
}

/**
 * The window's schedule in one line: "from – to" for a one-off window; "Sun at 02:00 for 2 h
 * (Europe/Berlin)" for a weekly one; the cron expression for any other recurring one.
 */
export function scheduleSummary(window: MaintenanceWindow, format: (ms: number) => string): string {
  if (window.kind === 'once') return `${format(window.startsAt)} – ${format(window.endsAt)}`;
  const weekly = weeklyFrom(window.cron);
  const when = weekly ? weeklyText(weekly) : `cron ${window.cron}`;
  return `${when} for ${durationText(window.durationMinutes)} (${window.timezone})`;
}

export type WindowState = 'active' | 'upcoming' | 'over';

/** Whether the window holds alerts back now, and when it next does or stops. */
export function windowActivity(window: MaintenanceWindowView, now: number, format: (ms: number) => string): { state: WindowState; text: string } {
  const occurrence = window.occurrence;
  if (!occurrence) return { state: 'over', text: 'over' };
  if (occurrence.startsAt <= now && now < occurrence.endsAt) return { state: 'active', text: `active until ${format(occurrence.endsAt)}` };
  return { state: 'upcoming', text: `next ${format(occurrence.startsAt)}` };
}
