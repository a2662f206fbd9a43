import { describe, expect, it } from 'vitest';
import { countFitting, jsonBytes } from './byte-budget.js';

describe('jsonBytes', () => {
  it('counts UTF-8 bytes of the JSON, not UTF-16 code units', () => {
    expect(jsonBytes('abc')).toBe(5);
    // One code unit, three bytes; two code units (a surrogate pair), four bytes; one unit, two bytes.
    expect(jsonBytes('漢')).toBe(2 + 3);
    expect(jsonBytes('😀')).toBe(2 + 4);
    expect(jsonBytes('é')).toBe(2 + 2);
    // Control characters are escaped by JSON: one code unit, six bytes.
    expect(jsonBytes('\u0001')).toBe(2 + 6);
  });
});

describe('countFitting', () => {
  it('keeps the leading items whose bytes and separating commas fit in the room, exactly', () => {
    const items = ['a', '漢', 'b']; // 3 bytes, then 1 + 5, then 1 + 3
    expect(countFitting(items, 13)).toBe(3);
    expect(countFitting(items, 12)).toBe(2);
    expect(countFitting(items, 9)).toBe(2);
    expect(countFitting(items, 8)).toBe(1);
    expect(countFitting(items, 2)).toBe(0);
    expect(countFitting(items, -1)).toBe(0);
    expect(countFitting([], 0)).toBe(0);
  });

  it('agrees with the size of the array it predicts', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ name: `应用 ${i} 😀`.repeat(i % 7) }));
    for (const room of [0, 100, 777, 2_000, 100_000]) {
      const kept = countFitting(items, room);
      const used = jsonBytes(items.slice(0, kept)) - jsonBytes([]);
      expect(used).toBeLessThanOrEqual(room);
      if (kept < items.length) expect(jsonBytes(items.slice(0, kept + 1)) - jsonBytes([])).toBeGreaterThan(room);
    }
  });
});
