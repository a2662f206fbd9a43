import { describe, expect, it } from 'vitest';
import { MemorySeqSource } from '../../state/seq-store.js';
import { SpoolFirstSeq } from './spool-first-seq.js';

describe('SpoolFirstSeq', () => {
  it('saves a seq only once its frame is spooled, so a crash before that reuses it', () => {
    const saved = new MemorySeqSource(7);
    const seq = new SpoolFirstSeq(saved);
    expect(seq.next()).toBe(8);
    expect(seq.last).toBe(8);
    expect(saved.last).toBe(7);
    seq.spooled(8);
    expect(saved.last).toBe(8);
    seq.next();
    // The process dies here: the next run starts from what was saved and hands out 9 again.
    expect(new SpoolFirstSeq(saved).next()).toBe(9);
  });

  it('moves both counters when the collector is ahead', () => {
    const saved = new MemorySeqSource(3);
    const seq = new SpoolFirstSeq(saved);
    seq.advanceTo(50);
    expect([seq.last, saved.last]).toEqual([50, 50]);
    expect(seq.next()).toBe(51);
  });
});
