import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, formatPercent } from './format.js';

describe('formatPercent', () => {
  it('cuts to one decimal instead of rounding a miss up to a target', () => {
    expect(formatPercent(99.96, 'down', 'en-US')).toBe('99.9%');
    expect(formatPercent(94.99, 'down', 'en-US')).toBe('94.9%');
    expect(formatPercent(99.9, 'down', 'en-US')).toBe('99.9%');
    expect(formatPercent(100, 'down', 'en-US')).toBe('100%');
    expect(formatPercent(0, 'down', 'en-US')).toBe('0%');
  });

  it('cuts a share of failures upwards, so met and breached add up', () => {
    expect(formatPercent(5.56, 'up', 'en-US')).toBe('5.6%');
    expect(formatPercent(5.6, 'up', 'en-US')).toBe('5.6%');
    expect(formatPercent(0, 'up', 'en-US')).toBe('0%');
  });

  it('shows a dash when there was nothing to measure', () => {
    expect(formatPercent(null)).toBe('—');
  });

  it('follows the locale for the decimal sign', () => {
    expect(formatPercent(12.34, 'down', 'de-DE')).toBe('12,3%');
  });
});

describe('formatDuration', () => {
  it('writes the two largest units', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(4 * 60_000 + 12_000)).toBe('4 min 12 s');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000 + 59_000)).toBe('2 h 5 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000 + 7 * 60_000)).toBe('3 d 4 h');
  });

  it('drops a zero second unit', () => {
    expect(formatDuration(2 * 3_600_000 + 30_000)).toBe('2 h');
    expect(formatDuration(60_000)).toBe('1 min');
    expect(formatDuration(86_400_000)).toBe('1 d');
  });

  it('rounds to the second and never shows a zero', () => {
    expect(formatDuration(1_499)).toBe('1 s');
    expect(formatDuration(59_600)).toBe('1 min');
    expect(formatDuration(120)).toBe('< 1 s');
    expect(formatDuration(0)).toBe('< 1 s');
    expect(formatDuration(null)).toBe('—');
  });
});

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(12_345, 'en-US')).toBe('12,345');
    expect(formatCount(0, 'en-US')).toBe('0');
  });
});
