import { describe, expect, it } from 'vitest';
import { percentile, roundTo, summarize } from './percentiles.js';

describe('percentile (nearest rank)', () => {
  const oneToHundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);

  it('returns observed values at the exact ranks', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 90)).toBe(90);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile(oneToHundred, 0)).toBe(1);
  });

  it('rounds the rank up rather than interpolating', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 51)).toBe(30);
    expect(percentile([10, 20, 30], 99)).toBe(30);
    expect(percentile([7], 1)).toBe(7);
  });

  it('has no percentile of nothing', () => {
    expect(percentile([], 50)).toBeNull();
  });

  it('refuses a p outside 0..100', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts numerically, not as strings, and leaves the input alone', () => {
    const input = [100, 9, 25, 3, 1000];
    const summary = summarize(input);
    expect(summary).toEqual({ count: 5, p50: 25, p90: 1000, p99: 1000, max: 1000 });
    expect(input).toEqual([100, 9, 25, 3, 1000]);
  });

  it('reports nulls for an empty set', () => {
    expect(summarize([])).toEqual({ count: 0, p50: null, p90: null, p99: null, max: null });
  });

  it('rounds to the requested decimals', () => {
    expect(summarize([1.234, 5.678], 1)).toEqual({ count: 2, p50: 1.2, p90: 5.7, p99: 5.7, max: 5.7 });
    expect(roundTo(2.346, 2)).toBe(2.35);
  });
});
