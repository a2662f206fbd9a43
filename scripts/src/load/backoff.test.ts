import { describe, expect, it } from 'vitest';
import { AGENT_BACKOFF, fullJitterDelayMs } from './backoff.js';

describe('fullJitterDelayMs', () => {
  it('spreads each attempt uniformly below a ceiling that doubles up to the cap', () => {
    expect([0, 1, 2, 3].map((n) => fullJitterDelayMs(n, AGENT_BACKOFF, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(fullJitterDelayMs(20, AGENT_BACKOFF, () => 1)).toBe(60_000);
    expect(fullJitterDelayMs(3, AGENT_BACKOFF, () => 0)).toBe(0);
    expect(fullJitterDelayMs(1, AGENT_BACKOFF, () => 0.25)).toBe(500);
  });
});
