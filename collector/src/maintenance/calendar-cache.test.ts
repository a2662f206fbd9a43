import { describe, expect, it } from 'vitest';
import type { OneOffWindow, RecurringWindow } from '@vigil/shared';
import { CalendarCache } from './calendar-cache.js';

const MIN = 60_000;
const T0 = Date.UTC(2025, 5, 1, 10, 0, 0);
const once: OneOffWindow = { id: 'mnt_o', name: 'o', scope: {}, kind: 'once', startsAt: T0, endsAt: T0 + 10 * MIN, createdAt: 0, updatedAt: 0 };
const hourly: RecurringWindow = { id: 'mnt_h', name: 'h', scope: {}, kind: 'recurring', cron: '30 * * * *', durationMinutes: 5, timezone: 'UTC', createdAt: 0, updatedAt: 0 };
const ids = (cache: CalendarCache, at: number) => cache.inProgress(at).map((a) => a.window.id);

describe('CalendarCache', () => {
  it('answers as the calendar does on either side of every boundary, and backwards in time', () => {
    const cache = new CalendarCache([once, hourly]);
    expect(ids(cache, T0 - 1)).toEqual([]);
    expect(cache.nextBoundary(T0 - 1)).toBe(T0);
    expect(ids(cache, T0)).toEqual(['mnt_o']);
    expect(cache.nextBoundary(T0 + MIN)).toBe(T0 + 10 * MIN);
    expect(ids(cache, T0 + 10 * MIN - 1)).toEqual(['mnt_o']);
    expect(ids(cache, T0 + 10 * MIN)).toEqual([]);
    expect(cache.nextBoundary(T0 + 10 * MIN)).toBe(T0 + 30 * MIN);
    expect(ids(cache, T0 + 30 * MIN)).toEqual(['mnt_h']);
    expect(cache.inProgress(T0 + 34 * MIN)[0]?.occurrence).toEqual({ startsAt: T0 + 30 * MIN, endsAt: T0 + 35 * MIN });
    expect(ids(cache, T0 + 35 * MIN)).toEqual([]);
    expect(ids(cache, T0 + 5 * MIN)).toEqual(['mnt_o']);
  });

  it('forgets what it knew when the windows are replaced', () => {
    const cache = new CalendarCache([once]);
    expect(ids(cache, T0 + MIN)).toEqual(['mnt_o']);
    cache.replace([]);
    expect(ids(cache, T0 + MIN)).toEqual([]);
    expect(cache.nextBoundary(T0 + MIN)).toBeNull();
  });
});
