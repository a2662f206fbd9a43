import { PatchesSectionSchema } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { patchScanFor, shuffled } from './bench-fleet.js';

describe('the console benchmark fleet', () => {
  it('shuffles the same way every run, losing and repeating nothing', () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const once = shuffled(items);
    expect(shuffled(items)).toEqual(once);
    expect(once).not.toEqual(items);
    expect([...once].sort((a, b) => a - b)).toEqual(items);
  });

  it('sends patch scans the collector accepts, some hosts behind on security updates', () => {
    const scans = Array.from({ length: 100 }, (_, i) => patchScanFor(i, 1_700_000_000_000));
    for (const scan of scans) expect(PatchesSectionSchema.safeParse(scan).success).toBe(true);
    const behind = scans.filter((s) => (s.securityPending ?? 0) > 0).length;
    expect(behind).toBeGreaterThan(0);
    expect(behind).toBeLessThan(100);
  });
});
