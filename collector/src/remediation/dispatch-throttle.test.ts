import { describe, expect, it } from 'vitest';
import { DispatchThrottle } from './dispatch-throttle.js';

describe('DispatchThrottle', () => {
  it('never allows more unfinished runs than the concurrency', () => {
    const throttle = new DispatchThrottle(3, 1000, 0);
    expect(throttle.allowance(0)).toBe(3);
    throttle.sent(3, 0);
    expect(throttle.allowance(10_000)).toBe(0);
    throttle.finished();
    expect(throttle.allowance(10_000)).toBe(1);
    throttle.adopt(1);
    expect(throttle.allowance(10_000)).toBe(0);
  });

  it('allows a second\'s worth at once, then the rate', () => {
    const throttle = new DispatchThrottle(1000, 4, 0);
    expect(throttle.allowance(0)).toBe(4);
    throttle.sent(4, 0);
    expect(throttle.allowance(0)).toBe(0);
    expect(throttle.allowance(240)).toBe(0);
    expect(throttle.allowance(250)).toBe(1);
    expect(throttle.allowance(1000)).toBe(4);
    // Idle time does not bank more than one second's worth.
    expect(throttle.allowance(60_000)).toBe(4);
  });

  it('mints nothing when the clock steps back', () => {
    const throttle = new DispatchThrottle(1000, 2, 1000);
    throttle.sent(2, 1000);
    expect(throttle.allowance(0)).toBe(0);
    expect(throttle.allowance(1000)).toBe(0);
    expect(throttle.allowance(1500)).toBe(1);
  });
});
