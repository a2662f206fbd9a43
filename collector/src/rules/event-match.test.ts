import { describe, expect, it } from 'vitest';
import type { EventEntry } from '@vigil/shared';
import { EVENT_MATCH_CAP, EventMatchWindow, eventMatcher } from './event-match.js';

const entry = (over: Partial<EventEntry> = {}): EventEntry => ({
  id: 'e1', log: 'System', level: 'error', ts: 0, source: 'disk', eventId: '7', message: 'bad block 42 on sda', ...over,
});
const MIN = 60_000;

describe('eventMatcher', () => {
  it('matches everything with no criteria but the window', () => {
    expect(eventMatcher({ window: '10m' })(entry({ level: 'warning', source: undefined, eventId: undefined }))).toBe(true);
  });

  it('compares log, source and event id exactly, a numeric event id as text', () => {
    expect(eventMatcher({ log: 'System', window: '10m' })(entry())).toBe(true);
    expect(eventMatcher({ log: 'Application', window: '10m' })(entry())).toBe(false);
    expect(eventMatcher({ source: 'disk', window: '10m' })(entry())).toBe(true);
    expect(eventMatcher({ source: 'disk', window: '10m' })(entry({ source: undefined }))).toBe(false);
    expect(eventMatcher({ eventId: 7, window: '10m' })(entry())).toBe(true);
    expect(eventMatcher({ eventId: '7', window: '10m' })(entry({ eventId: '70' }))).toBe(false);
    expect(eventMatcher({ eventId: 7, window: '10m' })(entry({ eventId: undefined }))).toBe(false);
  });

  it('treats level as a minimum severity', () => {
    expect(eventMatcher({ level: 'warning', window: '10m' })(entry({ level: 'error' }))).toBe(true);
    expect(eventMatcher({ level: 'warning', window: '10m' })(entry({ level: 'warning' }))).toBe(true);
    expect(eventMatcher({ level: 'error', window: '10m' })(entry({ level: 'warning' }))).toBe(false);
  });

  it('searches the message with the regular expression', () => {
    expect(eventMatcher({ message: 'bad block \\d+', window: '10m' })(entry())).toBe(true);
    expect(eventMatcher({ message: '^bad block \\d+$', window: '10m' })(entry())).toBe(false);
    expect(eventMatcher({ message: 'BAD', window: '10m' })(entry())).toBe(false);
  });

  it('requires every criterion given', () => {
    const matches = eventMatcher({ log: 'System', level: 'error', source: 'disk', message: 'sda', window: '10m' });
    expect(matches(entry())).toBe(true);
    expect(matches(entry({ message: 'bad block on sdb' }))).toBe(false);
  });
});

describe('EventMatchWindow', () => {
  it('counts matches within (at - window, at]: one exactly a window old has aged out', () => {
    const window = new EventMatchWindow('10m');
    expect(window.record([0, 1, 2 * MIN], 5 * MIN)).toBe(3);
    expect(window.record([], 10 * MIN - 1)).toBe(3);
    expect(window.record([], 10 * MIN)).toBe(2);
    expect(window.record([], 10 * MIN + 1)).toBe(1);
    expect(window.record([], 12 * MIN)).toBe(0);
    expect(window.size).toBe(0);
  });

  it('decays frame by frame and ignores matches already older than the window', () => {
    const window = new EventMatchWindow('1m');
    expect(window.record([0, 10_000, 20_000], 30_000)).toBe(3);
    expect(window.record([], 65_000)).toBe(2);
    expect(window.record([-50_000], 75_000)).toBe(1);
    expect(window.record([], 80_000)).toBe(0);
  });

  it('sorts matches arriving out of order before ageing them', () => {
    const window = new EventMatchWindow('1m');
    window.record([50_000], 50_000);
    expect(window.record([5_000], 55_000)).toBe(2);
    expect(window.record([], 65_000)).toBe(1);
  });

  it('keeps at most the cap, dropping the oldest', () => {
    const window = new EventMatchWindow('1h');
    const stamps = Array.from({ length: EVENT_MATCH_CAP + 5 }, (_, i) => i);
    expect(window.record(stamps, EVENT_MATCH_CAP + 5)).toBe(EVENT_MATCH_CAP);
    expect(window.size).toBe(EVENT_MATCH_CAP);
  });
});
