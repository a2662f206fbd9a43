import type { Frame } from '@vigil/shared';

/**
 * Frames waiting for the collector's ack, in seq order. An interface so the in-memory buffer can
 * give way to a disk spool without touching the connection code.
 */
export interface FrameQueue {
  readonly size: number;
  /** Frames discarded because the queue was full, since start. */
  readonly dropped: number;
  /** Appends a frame; its seq must be higher than any queued. Drops the oldest when full. */
  push(frame: Frame): void;
  /** Removes the acknowledged frame; false if it was not queued (already acked or dropped). */
  ack(seq: number): boolean;
  /** Removes frames the collector already stored (seq ≤ lastSeq); returns how many. */
  discardThrough(seq: number): number;
  /** Up to `limit` frames with a seq above `seq`, oldest first, left in the queue. */
  after(seq: number, limit: number): Frame[];
  /** Removes and returns every frame, oldest first. */
  takeAll(): Frame[];
}

export const DEFAULT_QUEUE_CAPACITY = 1000;

export class MemoryFrameQueue implements FrameQueue {
  private frames: Frame[] = [];
  private droppedCount = 0;

  constructor(private readonly capacity = DEFAULT_QUEUE_CAPACITY) {
    if (capacity < 1) throw new Error('queue capacity must be at least 1');
  }

  get size(): number {
    return this.frames.length;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  push(frame: Frame): void {
    const last = this.frames[this.frames.length - 1];
    if (last && frame.seq <= last.seq) throw new Error(`frame seq ${frame.seq} is not above the queued ${last.seq}`);
    this.frames.push(frame);
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

  discardThrough(seq: number): number {
    const count = this.firstAbove(seq);
    this.frames.splice(0, count);
    return count;
  }

  after(seq: number, limit: number): Frame[] {
    const start = this.firstAbove(seq);
    return this.frames.slice(start, start + Math.max(0, limit));
  }

  takeAll(): Frame[] {
    const all = this.frames;
    this.frames = [];
    return all;
  }

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
