import { describe, expect, it } from 'vitest';
import type { ComparisonOp } from '@vigil/shared';
import { compare } from './compare.js';

describe('compare', () => {
  // [op, below threshold, at threshold, above threshold] for threshold 10
  const table: [ComparisonOp, boolean, boolean, boolean][] = [
    ['>', false, false, true],
    ['>=', false, true, true],
    ['<', true, false, false],
    ['<=', true, true, false],
    ['==', false, true, false],
    ['!=', true, false, true],
  ];

  it.each(table)('%s against 10: below=%s, equal=%s, above=%s', (op, below, equal, above) => {
    expect(compare(op, 9.99, 10)).toBe(below);
    expect(compare(op, 10, 10)).toBe(equal);
    expect(compare(op, 10.01, 10)).toBe(above);
  });

  it('handles negative thresholds and zero', () => {
    expect(compare('<', -5, 0)).toBe(true);
    expect(compare('>', -5, -10)).toBe(true);
    expect(compare('==', -0, 0)).toBe(true);
  });

  it('rejects an operator it does not know instead of silently never breaching', () => {
    expect(() => compare('=~' as ComparisonOp, 1, 1)).toThrow(/unknown comparison operator/);
  });
});
