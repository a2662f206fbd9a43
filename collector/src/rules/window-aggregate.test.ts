import { describe, expect, it } from 'vitest';
import { WINDOW_SAMPLE_CAP, WindowAggregate } from './window-aggregate.js';

const MIN = 60_000;

describe('WindowAggregate', () => {
  it('averages the samples inside the window', () => {
    const w = new WindowAggregate('avg', 3 * MIN);
    expect([w.push(0, 80), w.push(MIN, 80), w.push(2 * MIN, 100)].map((v) => Math.round(v * 10) / 10)).toEqual([80, 80, 86.7]);
  });

  it('evicts a sample exactly window-old, and keeps one a millisecond younger', () => {
    const max = new WindowAggregate('max', 1000);
    max.push(0, 10);
    expect(max.push(999, 0)).toBe(10);
    expect(max.push(1000, 0)).toBe(0);
    const avg = new WindowAggregate('avg', 1000);
    avg.push(0, 10);
    expect(avg.push(999, 0)).toBe(5);
    expect(avg.push(1000, 0)).toBe(0);
    expect(avg.size).toBe(2);
  });

  it('tracks max and min through a monotonic deque, which a steady series keeps at one entry', () => {
    const max = new WindowAggregate('max', 2 * MIN);
    expect([0, 1, 2, 3].map((i) => max.push(i * MIN, [50, 95, 60, 40][i]!))).toEqual([50, 95, 95, 60]);
    const min = new WindowAggregate('min', 2 * MIN);
    expect([0, 1, 2, 3].map((i) => min.push(i * MIN, [50, 5, 40, 60][i]!))).toEqual([50, 5, 5, 40]);
    const steady = new WindowAggregate('max', 60 * MIN);
    for (let i = 0; i < 100; i++) steady.push(i * 1000, 42);
    expect(steady.size).toBe(1);
  });

  it(`counts at most ${WINDOW_SAMPLE_CAP} samples, dropping the oldest even inside the window`, () => {
    for (const kind of ['avg', 'max'] as const) {
      const w = new WindowAggregate(kind, 24 * 60 * MIN);
      w.push(0, 1000);
      let last = 0;
      // The first sample is still counted after CAP - 1 more, and gone after CAP more.
      for (let i = 1; i < WINDOW_SAMPLE_CAP; i++) last = w.push(i, 0);
      expect(last).toBeGreaterThan(0);
      expect(w.push(WINDOW_SAMPLE_CAP, 0)).toBe(0);
      for (let i = 0; i < 3 * WINDOW_SAMPLE_CAP; i++) w.push(WINDOW_SAMPLE_CAP + i, i);
      expect(w.size).toBeLessThanOrEqual(WINDOW_SAMPLE_CAP);
    }
    // For max, the cap is in samples, not deque entries: a falling series fills the deque.
    const falling = new WindowAggregate('max', 24 * 60 * MIN);
    for (let i = 0; i < 2 * WINDOW_SAMPLE_CAP; i++) falling.push(i, -i);
    expect(falling.size).toBe(WINDOW_SAMPLE_CAP);
    expect(falling.push(2 * WINDOW_SAMPLE_CAP, -1e9)).toBe(-(WINDOW_SAMPLE_CAP + 1));
  });

  it('recomputes the running sum now and then, so rounding lost to one huge sample does not linger', () => {
    const w = new WindowAggregate('avg', 10);
    w.push(0, 1e17);
    // 1e17 + 1 rounds to 1e17: once the huge sample leaves, the running sum is one short.
    let last = 0;
    for (let t = 1; t <= 2 * WINDOW_SAMPLE_CAP; t++) last = w.push(t, 1);
    expect(last).toBe(1);
  });

  it('counts a sample stamped before the previous one at that one\'s time', () => {
    const w = new WindowAggregate('max', 1000);
    w.push(5000, 10);
    expect(w.push(4000, 20)).toBe(20);
    // Counted at 4000, the 20 would have left the window at 5000 already.
    expect(w.push(5001, 0)).toBe(20);
    expect(w.push(6000, 0)).toBe(0);
  });
});
