import { describe, expect, it } from 'vitest';
import { formatRunDuration, timeAgo } from './format-time.js';

describe('formatRunDuration', () => {
  it('formats durations at a scale that fits', () => {
    expect(formatRunDuration(null)).toBe('—');
    expect(formatRunDuration(Number.NaN)).toBe('—');
    expect(formatRunDuration(850)).toBe('850 ms');
    expect(formatRunDuration(12_340)).toBe('12.3 s');
    expect(formatRunDuration(12_400)).toBe('12.4 s');
    expect(formatRunDuration(185_000)).toBe('3 m 05 s');
    expect(formatRunDuration(245_000)).toBe('4 m 05 s');
    expect(formatRunDuration(3_720_000)).toBe('1 h 02 m');
  });
});

describe('timeAgo', () => {
  const now = 1_700_000_000_000;
  it('says how long ago, in the largest unit that fits', () => {
    expect(timeAgo(now - 12_400, now)).toBe('12 s ago');
    expect(timeAgo(now - 59_999, now)).toBe('59 s ago');
    expect(timeAgo(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(timeAgo(now - 3 * 3_600_000 - 1, now)).toBe('3 h ago');
    expect(timeAgo(now - 47 * 3_600_000, now)).toBe('47 h ago');
    expect(timeAgo(now - 3 * 86_400_000, now)).toBe('3 d ago');
  });

  it('reads a time slightly ahead as now, and no time as never', () => {
    expect(timeAgo(now + 800, now)).toBe('0 s ago');
    expect(timeAgo(now + 60_000, now)).toBe('0 s ago');
    expect(timeAgo(null, now)).toBe('—');
    expect(timeAgo(null, now, 'never')).toBe('never');
  });
});
