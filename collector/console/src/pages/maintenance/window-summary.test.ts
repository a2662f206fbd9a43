import type { MaintenanceWindowView } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { durationText, scheduleSummary, windowActivity } from './window-summary.js';

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const base = { id: 'mnt_1', name: 'w', scope: {}, createdAt: 1, updatedAt: 1 };
const T = Date.UTC(2030, 0, 1, 10, 0);

describe('maintenance window summaries', () => {
  it('says durations in days, hours and minutes', () => {
    expect(durationText(45)).toBe('45 min');
    expect(durationText(90)).toBe('1 h 30 min');
    expect(durationText(2880)).toBe('2 d');
    expect(durationText(1441)).toBe('1 d 1 min');
  });

  it('says a one-off, a weekly and a cron schedule', () => {
    expect(scheduleSummary({ ...base, kind: 'once', startsAt: T, endsAt: T + 3_600_000 }, iso)).toBe('2030-01-01T10:00 – 2030-01-01T11:00');
    expect(scheduleSummary({ ...base, kind: 'recurring', cron: '0 2 * * SUN', durationMinutes: 120, timezone: 'Europe/Berlin' }, iso)).toBe('Sun at 02:00 for 2 h (Europe/Berlin)');
    expect(scheduleSummary({ ...base, kind: 'recurring', cron: '0 3 1 * *', durationMinutes: 30, timezone: 'UTC' }, iso)).toBe('cron 0 3 1 * * for 30 min (UTC)');
  });

  it('tells whether a window is active now, next or over', () => {
    const view = (occurrence: MaintenanceWindowView['occurrence']): MaintenanceWindowView => ({ ...base, kind: 'once', startsAt: T, endsAt: T + 60_000, occurrence });
    expect(windowActivity(view({ startsAt: T, endsAt: T + 60_000 }), T, iso)).toEqual({ state: 'active', text: 'active until 2030-01-01T10:01' });
    expect(windowActivity(view({ startsAt: T, endsAt: T + 60_000 }), T - 1, iso)).toEqual({ state: 'upcoming', text: 'next 2030-01-01T10:00' });
    expect(windowActivity(view(null), T, iso)).toEqual({ state: 'over', text: 'over' });
  });
});
