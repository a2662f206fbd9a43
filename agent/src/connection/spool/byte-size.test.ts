import { describe, expect, it } from 'vitest';
import { DEFAULT_SPOOL_MAX_BYTES, formatByteSize, parseByteSize } from './byte-size.js';

describe('byte sizes', () => {
  it('parses binary units, case-insensitively, and plain bytes', () => {
    expect(parseByteSize('256MB')).toBe(DEFAULT_SPOOL_MAX_BYTES);
    expect(parseByteSize('64kb')).toBe(65_536);
    expect(parseByteSize('1GB')).toBe(1024 ** 3);
    expect(parseByteSize('1.5 MiB')).toBe(1_572_864);
    expect(parseByteSize('20000')).toBe(20_000);
  });

  it('rejects what is not a size', () => {
    for (const bad of ['', 'lots', '12 parsecs', '-5MB', 'MB', '1e3']) expect(() => parseByteSize(bad), bad).toThrow(/invalid size/);
  });

  it('formats sizes for people', () => {
    expect(formatByteSize(0)).toBe('0 B');
    expect(formatByteSize(18_432)).toBe('18 KB');
    expect(formatByteSize(1_572_864)).toBe('1.5 MB');
    expect(formatByteSize(DEFAULT_SPOOL_MAX_BYTES)).toBe('256 MB');
  });
});
