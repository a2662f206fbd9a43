import { describe, expect, it } from 'vitest';
import { bands, barLength, maxOf, valueScale } from './chart-scale.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('valueScale', () => {
  it('rounds a count axis up to 1-2-5 steps', () => {
    expect(valueScale(3, 'count')).toEqual({ max: 3, ticks: [0, 1, 2, 3] });
    expect(valueScale(7, 'count')).toEqual({ max: 8, ticks: [0, 2, 4, 6, 8] });
    expect(valueScale(42, 'count')).toEqual({ max: 50, ticks: [0, 10, 20, 30, 40, 50] });
    expect(valueScale(1234, 'count').max).toBe(1500);
  });

  it('never uses fractional steps for counts', () => {
    expect(valueScale(1, 'count')).toEqual({ max: 1, ticks: [0, 1] });
  });

  it('puts duration ticks on whole units', () => {
    expect(valueScale(45_000, 'duration')).toEqual({ max: 50_000, ticks: [0, 10_000, 20_000, 30_000, 40_000, 50_000] });
    expect(valueScale(25 * MIN, 'duration')).toEqual({ max: 25 * MIN, ticks: [0, 5 * MIN, 10 * MIN, 15 * MIN, 20 * MIN, 25 * MIN] });
    expect(valueScale(7 * HOUR, 'duration')).toEqual({ max: 8 * HOUR, ticks: [0, 2 * HOUR, 4 * HOUR, 6 * HOUR, 8 * HOUR] });
    expect(valueScale(13 * HOUR, 'duration')).toEqual({ max: 15 * HOUR, ticks: [0, 3 * HOUR, 6 * HOUR, 9 * HOUR, 12 * HOUR, 15 * HOUR] });
  });

  it('gives an empty chart one step instead of a zero-length axis', () => {
    expect(valueScale(0, 'count')).toEqual({ max: 1, ticks: [0, 1] });
    expect(valueScale(0, 'duration')).toEqual({ max: MIN, ticks: [0, MIN] });
    expect(valueScale(Number.NaN, 'count').max).toBe(1);
  });

  it('goes past the listed duration steps for very long means', () => {
    const scale = valueScale(20 * 365 * 24 * HOUR, 'duration');
    expect(scale.max).toBeGreaterThanOrEqual(20 * 365 * 24 * HOUR);
    expect(scale.ticks.length).toBeLessThanOrEqual(6);
  });
});

describe('bands', () => {
  it('lays out equal bands with inner and outer gaps', () => {
    // 2 bands + 0.5 inner + 2 × 0.25 outer = 3 units of 100.
    expect(bands(2, 0, 300, 0.5, 0.25)).toEqual([{ start: 25, size: 100 }, { start: 175, size: 100 }]);
  });

  it('fills the length exactly', () => {
    const laid = bands(4, 10, 400);
    const last = laid[laid.length - 1]!;
    const size = laid[0]!.size;
    expect(laid[0]!.start - 10).toBeCloseTo(0.2 * size);
    expect(410 - (last.start + last.size)).toBeCloseTo(0.2 * size);
  });

  it('has no bands for no categories', () => {
    expect(bands(0, 0, 100)).toEqual([]);
  });
});

describe('barLength', () => {
  it('scales, clamps and skips missing values', () => {
    expect(barLength(5, 10, 200)).toBe(100);
    expect(barLength(20, 10, 200)).toBe(200);
    expect(barLength(null, 10, 200)).toBe(0);
    expect(barLength(-1, 10, 200)).toBe(0);
    expect(barLength(5, 0, 200)).toBe(0);
  });

  it('finds the largest present value', () => {
    expect(maxOf([null, 3, 9, null])).toBe(9);
    expect(maxOf([null])).toBe(0);
  });
});
