import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatPercent, formatRate } from './format.js';

describe('agent page formatting', () => {
  it('formats bytes and rates in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.50 KB');
    expect(formatBytes(25_276_510_208)).toBe('23.5 GB');
    expect(formatBytes(274_877_906_944)).toBe('256 GB');
    expect(formatBytes(null)).toBe('—');
    expect(formatRate(8_326_928)).toBe('7.94 MB/s');
    expect(formatRate(undefined)).toBe('—');
  });

  it('formats percentages, counts and durations', () => {
    expect(formatPercent(4.27)).toBe('4.3 %');
    expect(formatPercent(22.37)).toBe('22 %');
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(Number.NaN)).toBe('—');
    expect(formatCount(12345.4)).toBe('12,345');
  });

});
