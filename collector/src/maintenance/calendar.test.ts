import { describe, expect, it } from 'vitest';
import type { MaintenanceWindow, OneOffWindow, RecurringWindow } from '@vigil/shared';
import type { AgentContext } from '../rules/index.js';
import { activeWindowFor, nextBoundary, occurrenceAt, upcomingOccurrence } from './calendar.js';

const MIN = 60_000;
const H = 60 * MIN;
const at = (iso: string): number => Date.parse(iso);

const agent: AgentContext = { agentId: 'agt_a', tenantId: 'acme', siteId: 'hq', tags: ['server', 'linux'], os: 'linux' };

function once(id: string, startsAt: number, endsAt: number, scope: OneOffWindow['scope'] = {}): OneOffWindow {
  return { id, name: id, scope, kind: 'once', startsAt, endsAt, createdAt: 0, updatedAt: 0 };
}
function recurring(id: string, cron: string, durationMinutes: number, timezone: string, scope: RecurringWindow['scope'] = {}): RecurringWindow {
  return { id, name: id, scope, kind: 'recurring', cron, durationMinutes, timezone, createdAt: 0, updatedAt: 0 };
}

describe('one-off windows', () => {
  const w = once('mnt_1', at('2025-06-01T10:00:00Z'), at('2025-06-01T12:00:00Z'));

  it('cover from their start (inclusive) to their end (exclusive)', () => {
    expect(occurrenceAt(w, w.startsAt - 1)).toBeNull();
    expect(occurrenceAt(w, w.startsAt)).toEqual({ startsAt: w.startsAt, endsAt: w.endsAt });
    expect(occurrenceAt(w, w.endsAt - 1)).toEqual({ startsAt: w.startsAt, endsAt: w.endsAt });
    expect(occurrenceAt(w, w.endsAt)).toBeNull();
  });

  it('have their start, then their end, as the next boundaries, and none once over', () => {
    expect(nextBoundary([w], w.startsAt - H)).toBe(w.startsAt);
    expect(nextBoundary([w], w.startsAt)).toBe(w.endsAt);
    expect(nextBoundary([w], w.endsAt)).toBeNull();
    expect(upcomingOccurrence(w, w.endsAt)).toBeNull();
    expect(upcomingOccurrence(w, w.startsAt - H)).toEqual({ startsAt: w.startsAt, endsAt: w.endsAt });
  });
});

describe('recurring windows', () => {
  it('read the cron expression in the window\'s time zone', () => {
    // Sundays 02:00 in Berlin (CEST, UTC+2 in June) is 00:00 UTC.
    const berlin = recurring('mnt_b', '0 2 * * SUN', 60, 'Europe/Berlin');
    expect(occurrenceAt(berlin, at('2025-06-01T00:30:00Z'))).toEqual({ startsAt: at('2025-06-01T00:00:00Z'), endsAt: at('2025-06-01T01:00:00Z') });
    expect(occurrenceAt(berlin, at('2025-06-01T02:30:00Z'))).toBeNull();
    const utc = recurring('mnt_u', '0 2 * * SUN', 60, 'UTC');
    expect(occurrenceAt(utc, at('2025-06-01T00:30:00Z'))).toBeNull();
    expect(occurrenceAt(utc, at('2025-06-01T02:30:00Z'))).toEqual({ startsAt: at('2025-06-01T02:00:00Z'), endsAt: at('2025-06-01T03:00:00Z') });
  });

  it('count an occurrence that started before now and is still within its duration, from exactly its start', () => {
    const nightly = recurring('mnt_n', '0 22 * * *', 180, 'UTC');
    const start = at('2025-06-01T22:00:00Z');
    expect(occurrenceAt(nightly, start - 1)).toBeNull();
    expect(occurrenceAt(nightly, start)).toEqual({ startsAt: start, endsAt: start + 3 * H });
    // Past midnight, the occurrence that started the day before still holds.
    expect(occurrenceAt(nightly, at('2025-06-02T00:59:00Z'))).toEqual({ startsAt: start, endsAt: start + 3 * H });
    expect(occurrenceAt(nightly, start + 3 * H)).toBeNull();
  });

  it('start when the clock jumps past a wall-clock time that DST skips, and last their duration in elapsed time', () => {
    // 30 March 2025, Berlin: 02:00 CET becomes 03:00 CEST (01:00 UTC); 02:00 never happens.
    const w = recurring('mnt_s', '0 2 * * SUN', 120, 'Europe/Berlin');
    expect(upcomingOccurrence(w, at('2025-03-29T12:00:00Z'))).toEqual({ startsAt: at('2025-03-30T01:00:00Z'), endsAt: at('2025-03-30T03:00:00Z') });
    // The week before, the same 02:00 is 01:00 UTC (CET): a wall-clock schedule, not a fixed UTC one.
    expect(upcomingOccurrence(w, at('2025-03-22T12:00:00Z'))).toEqual({ startsAt: at('2025-03-23T01:00:00Z'), endsAt: at('2025-03-23T03:00:00Z') });
    // Asked from inside, it is the same occurrence, to its exact end.
    expect(occurrenceAt(w, at('2025-03-30T01:10:00Z'))).toEqual({ startsAt: at('2025-03-30T01:00:00Z'), endsAt: at('2025-03-30T03:00:00Z') });
    expect(occurrenceAt(w, at('2025-03-30T03:00:00Z') - 1)).not.toBeNull();
    expect(occurrenceAt(w, at('2025-03-30T03:00:00Z'))).toBeNull();
    expect(nextBoundary([w], at('2025-03-30T01:10:00Z'))).toBe(at('2025-03-30T03:00:00Z'));
    // The week after, 02:00 CEST is 00:00 UTC.
    expect(upcomingOccurrence(w, at('2025-03-30T12:00:00Z'))?.startsAt).toBe(at('2025-04-06T00:00:00Z'));
    // An occurrence that spans the jump lasts 120 real minutes: 01:00 CET to 04:00 CEST on the wall clock.
    const early = recurring('mnt_e', '0 1 * * SUN', 120, 'Europe/Berlin');
    expect(occurrenceAt(early, at('2025-03-30T01:30:00Z'))).toEqual({ startsAt: at('2025-03-30T00:00:00Z'), endsAt: at('2025-03-30T02:00:00Z') });
    expect(occurrenceAt(early, at('2025-03-30T02:00:00Z'))).toBeNull();
  });

  it('start once, at the first instance, on a wall-clock time that DST repeats', () => {
    // 26 October 2025, Berlin: 03:00 CEST becomes 02:00 CET; 02:30 happens twice (00:30 and 01:30 UTC).
    const w = recurring('mnt_f', '30 2 * * *', 30, 'Europe/Berlin');
    const first = at('2025-10-26T00:30:00Z');
    expect(occurrenceAt(w, first + 10 * MIN)).toEqual({ startsAt: first, endsAt: first + 30 * MIN });
    expect(occurrenceAt(w, at('2025-10-26T01:40:00Z'))).toBeNull();
    expect(nextBoundary([w], first + 30 * MIN)).toBe(at('2025-10-27T01:30:00Z'));
  });

  it('have the end of the occurrence in progress, then the next start, as the next boundaries', () => {
    const w = recurring('mnt_n', '0 22 * * *', 180, 'UTC');
    expect(nextBoundary([w], at('2025-06-01T21:00:00Z'))).toBe(at('2025-06-01T22:00:00Z'));
    expect(nextBoundary([w], at('2025-06-01T22:00:00Z'))).toBe(at('2025-06-02T01:00:00Z'));
    expect(nextBoundary([w], at('2025-06-02T01:00:00Z'))).toBe(at('2025-06-02T22:00:00Z'));
  });

  it('stay active across overlapping occurrences until the latest one ends', () => {
    // Every hour, for 90 minutes: always inside from the first start on.
    const w = recurring('mnt_o', '0 * * * *', 90, 'UTC');
    expect(occurrenceAt(w, at('2025-06-01T10:45:00Z'))).toEqual({ startsAt: at('2025-06-01T10:00:00Z'), endsAt: at('2025-06-01T11:30:00Z') });
  });
});

describe('activeWindowFor', () => {
  const now = at('2025-06-01T10:30:00Z');
  const open = (id: string, scope: MaintenanceWindow['scope'], endsAt = at('2025-06-01T11:00:00Z')) => once(id, at('2025-06-01T10:00:00Z'), endsAt, scope);

  it('finds a window covering the agent by tenant, site, tags, OS or agent id, and none whose scope excludes it', () => {
    for (const scope of [{}, { tenant: 'acme' }, { site: 'hq' }, { tags: ['server'] }, { os: 'linux' as const }, { agentIds: ['agt_b', 'agt_a'] }, { tenant: 'acme', tags: ['server', 'linux'] }]) {
      expect(activeWindowFor([open('mnt_1', scope)], agent, now)?.window.id).toBe('mnt_1');
    }
    for (const scope of [{ tenant: 'globex' }, { site: 'branch' }, { tags: ['server', 'db'] }, { os: 'windows' as const }, { agentIds: ['agt_b'] }, { tenant: 'acme', agentIds: ['agt_b'] }]) {
      expect(activeWindowFor([open('mnt_1', scope)], agent, now)).toBeUndefined();
    }
  });

  it('ignores windows not in progress', () => {
    expect(activeWindowFor([once('mnt_past', now - 2 * H, now - H), once('mnt_future', now + H, now + 2 * H)], agent, now)).toBeUndefined();
  });

  it('picks, of overlapping windows, the one that ends last', () => {
    const short = open('mnt_short', {}, at('2025-06-01T10:45:00Z'));
    const long = open('mnt_long', { tenant: 'acme' }, at('2025-06-01T12:00:00Z'));
    expect(activeWindowFor([short, long], agent, now)).toEqual({ window: long, occurrence: { startsAt: long.startsAt, endsAt: long.endsAt } });
    expect(activeWindowFor([long, short], agent, now)?.window.id).toBe('mnt_long');
  });
});
