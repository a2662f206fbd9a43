import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('grants a full burst without waiting, then asks for a wait that keeps the average rate', () => {
    const bucket = new TokenBucket(10, 5, 0);
    for (let i = 0; i < 5; i++) expect(bucket.take(1, 0)).toBe(0);
    expect(bucket.take(1, 0)).toBeCloseTo(100);
    expect(bucket.take(1, 0)).toBeCloseTo(200);
  });

  it('refills with time, never above the burst', () => {
    const bucket = new TokenBucket(10, 5, 0);
    bucket.take(5, 0);
    expect(bucket.take(1, 50)).toBeCloseTo(50);
    expect(bucket.waitMs(100)).toBe(0);
    // An hour idle still grants only the burst.
    expect(bucket.take(5, 3_600_000)).toBe(0);
    expect(bucket.take(1, 3_600_000)).toBeCloseTo(100);
  });

  it('pays back an overdraft at the rate', () => {
    const bucket = new TokenBucket(100, 10, 0);
    expect(bucket.take(110, 0)).toBeCloseTo(1000);
    expect(bucket.waitMs(400)).toBeCloseTo(600);
    expect(bucket.waitMs(1000)).toBe(0);
  });

  it('does not mint or drain tokens when the clock steps backwards', () => {
    const bucket = new TokenBucket(10, 5, 1000);
    bucket.take(5, 1000);
    expect(bucket.waitMs(0)).toBe(0);
    expect(bucket.take(1, 500)).toBeCloseTo(100);
    expect(bucket.waitMs(1100)).toBeCloseTo(0);
  });

  it('refuses a rate or burst that is not positive', () => {
    expect(() => new TokenBucket(0, 1, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0, 0)).toThrow(RangeError);
  });
});
