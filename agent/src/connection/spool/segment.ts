/**
 * What the spool remembers about one segment file: where each record is, and which are still
 * waiting for the collector. Frames themselves stay on disk. Typed arrays keep this at about
 * 17 bytes a frame (a full 256 MB spool of small frames is a couple of hundred thousand).
 */
export class Segment {
  private seqs: Float64Array;
  private offsets: Uint32Array;
  private lengths: Uint32Array;
  private alive: Uint8Array;
  /** Records indexed. */
  count = 0;
  /** Records still waiting (neither acknowledged nor discarded). */
  live = 0;
  /** Index of the first record that may still be alive: acks mostly arrive in order. */
  private firstAlive = 0;

  constructor(
    readonly ordinal: number,
    readonly path: string,
    /** File size, magic included. */
    public bytes: number,
    capacity = 16,
  ) {
    this.seqs = new Float64Array(capacity);
    this.offsets = new Uint32Array(capacity);
    this.lengths = new Uint32Array(capacity);
    this.alive = new Uint8Array(capacity);
  }

  get firstSeq(): number | undefined {
    return this.count > 0 ? this.seqs[0] : undefined;
  }

  get lastSeq(): number | undefined {
    return this.count > 0 ? this.seqs[this.count - 1] : undefined;
  }

  seq(index: number): number {
    return this.seqs[index]!;
  }

  offset(index: number): number {
    return this.offsets[index]!;
  }

  length(index: number): number {
    return this.lengths[index]!;
  }

  isAlive(index: number): boolean {
    return this.alive[index] === 1;
  }

  add(seq: number, offset: number, length: number): void {
    if (this.count === this.seqs.length) this.grow();
    this.seqs[this.count] = seq;
    this.offsets[this.count] = offset;
    this.lengths[this.count] = length;
    this.alive[this.count] = 1;
    this.count++;
    this.live++;
  }

  /** Index of the first record with a seq above `seq`. */
  firstAbove(seq: number): number {
    let lo = this.firstAlive;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid]! <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Marks one record done; false if it was not alive. */
  kill(index: number): boolean {
    if (index >= this.count || this.alive[index] !== 1) return false;
    this.alive[index] = 0;
    this.live--;
    while (this.firstAlive < this.count && this.alive[this.firstAlive] !== 1) this.firstAlive++;
    return true;
  }

  /** Seqs of the records still alive, oldest first. */
  liveSeqs(): number[] {
    const seqs: number[] = [];
    for (let i = this.firstAlive; i < this.count; i++) if (this.alive[i] === 1) seqs.push(this.seqs[i]!);
    return seqs;
  }

  firstLiveSeq(): number | undefined {
    return this.live > 0 ? this.seqs[this.firstAlive] : undefined;
  }

  private grow(): void {
    const capacity = this.seqs.length * 2;
    const seqs = new Float64Array(capacity);
    const offsets = new Uint32Array(capacity);
    const lengths = new Uint32Array(capacity);
    const alive = new Uint8Array(capacity);
    seqs.set(this.seqs);
    offsets.set(this.offsets);
    lengths.set(this.lengths);
    alive.set(this.alive);
    this.seqs = seqs;
    this.offsets = offsets;
    this.lengths = lengths;
    this.alive = alive;
  }
}
