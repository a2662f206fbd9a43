import { describe, expect, it } from 'vitest';
import { FLAP_WINDOW, FLAPPING_HISTORY, nextFlapping, percentStateChange, recordState } from './flapping.js';

/** The history after these states, oldest first, starting from a quiet window. */
const historyOf = (states: boolean[]): number => states.reduce(recordState, 0);

describe('percentStateChange', () => {
  it('is 0 for a steady window, breaching or quiet', () => {
    expect(percentStateChange(0)).toBe(0);
    expect(percentStateChange(historyOf(Array.from({ length: FLAP_WINDOW }, () => true)))).toBe(0);
  });

  it('weighs the newest change 1.2 and the oldest 0.8, over the window\'s 20 possible changes', () => {
    // One change, between the two newest states.
    expect(percentStateChange(historyOf([true]))).toBeCloseTo((1.2 / 20) * 100, 10);
    // One change, between the two oldest states of the window.
    expect(percentStateChange(historyOf([true, ...Array.from({ length: FLAP_WINDOW - 1 }, () => false)]))).toBeCloseTo((0.8 / 20) * 100, 10);
    // One change in the middle: between the 10th and 11th newest states (k = 9 of 0..19).
    const eleven = Array.from({ length: 11 }, () => true);
    const ten = Array.from({ length: 10 }, () => false);
    expect(percentStateChange(historyOf([...eleven, ...ten]))).toBeCloseTo(((0.8 + (0.4 * 10) / 19) / 20) * 100, 10);
  });

  it('is 100 when every state alternates', () => {
    expect(percentStateChange(historyOf(Array.from({ length: FLAP_WINDOW }, (_, i) => i % 2 === 0)))).toBeCloseTo(100, 10);
    expect(percentStateChange(FLAPPING_HISTORY)).toBeCloseTo(100, 10);
  });

  it('keeps only the last FLAP_WINDOW states', () => {
    const old = historyOf([true, false, true, false]);
    expect(historyOf([true, false, true, false, ...Array.from({ length: FLAP_WINDOW }, () => false)])).toBe(0);
    expect(old).not.toBe(0);
  });
});

describe('nextFlapping', () => {
  it('starts only above the high threshold and stops only below the low one', () => {
    expect(nextFlapping(false, 50, 50, 25)).toBe(false);
    expect(nextFlapping(false, 50.01, 50, 25)).toBe(true);
    // In between, the flag stays as it was, either way.
    expect(nextFlapping(true, 40, 50, 25)).toBe(true);
    expect(nextFlapping(false, 40, 50, 25)).toBe(false);
    expect(nextFlapping(true, 25, 50, 25)).toBe(true);
    expect(nextFlapping(true, 24.99, 50, 25)).toBe(false);
  });
});
