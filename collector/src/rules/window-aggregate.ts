import type { RuleAggregate } from '@vigil/shared';

/**
 * At most this many samples count towards one series' aggregate: past it, the oldest go first even
 * inside the window. A 24h window of 10 s samples is 8,640 of them; bounding what a series keeps
 * (24 KB at most) matters more than exactness for a rule that fast and that long.
 */
export const WINDOW_SAMPLE_CAP = 1000;

const INITIAL_CAPACITY = 8;

/**
 * The samples one windowed series keeps, and the aggregate over them. Pure: the caller passes each
 * sample's time. The window is half-open, (now - windowMs, now]: a sample exactly windowMs old has
 * left it. For avg every sample inside is kept with a running sum; for max and min only a monotonic
 * deque of those that can still become the extreme, so a steady series keeps one entry.
 */
export class WindowAggregate {
  // Parallel ring buffers (time, value, sequence number), grown by doubling up to the cap, so a
  // series that reports rarely costs little.
  private ts: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private values: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private seqs: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private head = 0;
  private length = 0;
  /** Samples pushed so far: the cap is counted in samples, not in deque entries. */
  private seq = 0;
  private lastTs = -Infinity;
  private sum = 0;
  /** Subtractions since the sum was last recomputed: they accumulate rounding error. */
  private drift = 0;

  constructor(readonly kind: RuleAggregate, readonly windowMs: number) {}

  /** Entries kept (for avg: samples in the window; for max/min: deque entries). */
  get size(): number {
    return this.length;
  }

  /** Adds the sample taken at `at` and returns the aggregate over the window ending there. */
  push(at: number, value: number): number {
    // A sample stamped before the previous one counts at that one's time, so the buffer stays
    // ordered and eviction from the front stays correct.
    const now = Math.max(at, this.lastTs);
    this.lastTs = now;
    this.seq += 1;
    if (this.kind === 'avg') {
      this.append(now, value);
      this.sum += value;
    } else {
      // Entries the new value dominates can never be the extreme again while it is in the window.
      while (this.length > 0) {
        const back = this.values[this.index(this.length - 1)]!;
        if (this.kind === 'max' ? back > value : back < value) break;
        this.length -= 1;
      }
      this.append(now, value);
    }
    this.evict(now);
    return this.kind === 'avg' ? this.sum / this.length : this.values[this.head]!;
  }

  private evict(now: number): void {
    const oldestTs = now - this.windowMs;
    const oldestSeq = this.seq - WINDOW_SAMPLE_CAP;
    // The newest sample is always inside (windowMs > 0), so the buffer never empties here.
    while (this.ts[this.head]! <= oldestTs || this.seqs[this.head]! <= oldestSeq) {
      if (this.kind === 'avg') {
        this.sum -= this.values[this.head]!;
        this.drift += 1;
      }
      this.head = (this.head + 1) % this.ts.length;
      this.length -= 1;
    }
    if (this.drift >= WINDOW_SAMPLE_CAP) this.recomputeSum();
  }

  private append(ts: number, value: number): void {
    if (this.length === this.ts.length) this.grow();
    const i = this.index(this.length);
    this.ts[i] = ts;
    this.values[i] = value;
    this.seqs[i] = this.seq;
    this.length += 1;
  }

  /** Doubles the buffers (never past the cap plus the one being appended), unrolling the ring. */
  private grow(): void {
    const capacity = Math.min(this.ts.length * 2, WINDOW_SAMPLE_CAP + 1);
    const unroll = (from: Float64Array): Float64Array => {
      const to = new Float64Array(capacity);
      for (let k = 0; k < this.length; k++) to[k] = from[this.index(k)]!;
      return to;
    };
    this.ts = unroll(this.ts);
    this.values = unroll(this.values);
    this.seqs = unroll(this.seqs);
    this.head = 0;
  }

  private recomputeSum(): void {
    let sum = 0;
    for (let k = 0; k < this.length; k++) sum += this.values[this.index(k)]!;
    this.sum = sum;
    this.drift = 0;
  }

  private index(k: number): number {
    return (this.head + k) % this.ts.length;
  }
}
