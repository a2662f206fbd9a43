import type { Frame } from '@vigil/shared';

/**
 * Frames waiting for the collector's ack, in seq order. The agent runs on a disk spool
 * (spool/disk-spool.ts); the in-memory queue serves tests and tools that need no persistence.
 */
export interface FrameQueue {
  /** Frames held. */
  readonly size: number;
  /** Frames discarded because the queue was full, or because they could never be delivered. */
  readonly dropped: number;
  /** Bytes held and the cap on them, as reported in status.json; 0 for a queue not on disk. */
  readonly bytes: number;
  readonly maxBytes: number;
  /**
   * True when a pushed frame outlives the process: it is as safe in the queue as at the
   * collector, so whatever waits for its delivery may proceed once push() returns.
   */
  readonly durable: boolean;
  /** Seq of the oldest frame held. */
  readonly oldestSeq: number | undefined;
  /** The highest seq the queue holds or held since it was opened; a new frame must be above it. */
  readonly newestSeq: number | undefined;
  /** Appends a frame; its seq must be higher than any queued. Drops the oldest when full. */
  push(frame: Frame): void;
  /** Removes the acknowledged frame; false if it was not queued (already acked or dropped). */
  ack(seq: number): boolean;
  /**
   * Removes a frame that can never be delivered (the collector refuses its size) and counts it as
   * dropped, since no welcome will ever show it stored. False if it was not queued.
   */
  drop(seq: number): boolean;
  /** At a welcome: removes frames the collector already stored (seq ≤ lastSeq); returns how many. */
  discardThrough(seq: number): number;
  /**
   * The frame went out on a socket. A queue that counts drops exactly uses it: a frame dropped
   * after it was sent may have been stored, which the next welcome settles.
   */
  sent(seq: number): void;
  /** Up to `limit` frames with a seq above `seq`, oldest first, left in the queue. */
  after(seq: number, limit: number): Frame[];
  /**
   * Gives the held frames the consecutive seqs `firstSeq`, `firstSeq + 1`, … in their order.
   * Returns their previous seqs, oldest first: the frame that had `old[i]` now has `firstSeq + i`.
   */
  renumber(firstSeq: number): number[];
  /** Releases files; the queue is not used afterwards. */
  close(): void;
}

export const DEFAULT_QUEUE_CAPACITY = 1000;

export class MemoryFrameQueue implements FrameQueue {
  readonly durable = false;
  readonly bytes = 0;
  readonly maxBytes = 0;
  private frames: Frame[] = [];
  private droppedCount = 0;
  private newest: number | undefined;

  constructor(private readonly capacity = DEFAULT_QUEUE_CAPACITY) {
    if (capacity < 1) throw new Error('queue capacity must be at least 1');
  }

  get size(): number {
    return this.frames.length;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  get oldestSeq(): number | undefined {
    return this.frames[0]?.seq;
  }

  get newestSeq(): number | undefined {
    return this.newest;
  }

  push(frame: Frame): void {
    if (this.newest !== undefined && frame.seq <= this.newest) throw new Error(`frame seq ${frame.seq} is not above the queued ${this.newest}`);
    this.frames.push(frame);
    this.newest = frame.seq;
    if (this.frames.length > this.capacity) {
      this.frames.shift();
      this.droppedCount++;
    }
  }

  ack(seq: number): boolean {
    const index = this.firstAbove(seq - 1);
    if (this.frames[index]?.seq !== seq) return false;
    this.frames.splice(index, 1);
    return true;
  }

  drop(seq: number): boolean {
    if (!this.ack(seq)) return false;
    this.droppedCount++;
    return true;
  }

  discardThrough(seq: number): number {
    const count = this.firstAbove(seq);
    this.frames.splice(0, count);
    return count;
  }

  after(seq: number, limit: number): Frame[] {
    const start = this.firstAbove(seq);
    return this.frames.slice(start, start + Math.max(0, limit));
  }

  renumber(firstSeq: number): number[] {
    const previous = this.frames.map((frame) => frame.seq);
    this.frames = this.frames.map((frame, i) => ({ ...frame, seq: firstSeq + i }));
    if (previous.length > 0) this.newest = firstSeq + previous.length - 1;
    return previous;
  }

  /** A drop here always counts: nothing outlives the process to settle it with. */
  sent(): void {}

  close(): void {}

  /** Index of the first frame with a seq above `seq` (binary search; frames are sorted). */
  private firstAbove(seq: number): number {
    let lo = 0;
    let hi = this.frames.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.frames[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
