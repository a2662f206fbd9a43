import { describe, expect, it } from 'vitest';
import { ruleKeyPrefix, seriesKey, seriesKeySuffix } from './series-key.js';

describe('seriesKey', () => {
  it('is the same for the same label set in any key order', () => {
    expect(seriesKey('r1', 'a1', { mount: '/', fs: 'ext4' })).toBe(seriesKey('r1', 'a1', { fs: 'ext4', mount: '/' }));
  });

  it('differs per rule, per agent and per label set', () => {
    const base = seriesKey('r1', 'a1', { mount: '/' });
    expect(seriesKey('r2', 'a1', { mount: '/' })).not.toBe(base);
    expect(seriesKey('r1', 'a2', { mount: '/' })).not.toBe(base);
    expect(seriesKey('r1', 'a1', { mount: '/data' })).not.toBe(base);
    expect(seriesKey('r1', 'a1', {})).not.toBe(base);
  });

  it('cannot be forged by a separator inside an id', () => {
    // Without escaping, ("r|a", "b") and ("r", "a|b") would give the same key.
    expect(seriesKey('r|a', 'b', {})).not.toBe(seriesKey('r', 'a|b', {}));
  });

  it('starts with the rule prefix, which another rule whose id extends it does not share', () => {
    const key = seriesKey('r1', 'a1', { mount: '/' });
    expect(key.startsWith(ruleKeyPrefix('r1'))).toBe(true);
    expect(seriesKey('r10', 'a1', {}).startsWith(ruleKeyPrefix('r1'))).toBe(false);
  });

  it('is the rule prefix followed by the per-sample suffix', () => {
    expect(seriesKey('r1', 'a|1', { mount: '/' })).toBe(ruleKeyPrefix('r1') + seriesKeySuffix('a|1', { mount: '/' }));
  });
});
