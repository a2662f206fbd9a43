import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from '@vigil/shared';
import type { Logger } from '../../log.js';
import { writeFileAtomicSync } from '../../state/atomic-write.js';
import { fsyncDir, writeFully } from '../../state/durable-fs.js';
import { removeIfExists } from '../../state/remove-if-exists.js';
import type { FrameQueue } from '../frame-queue.js';
import { DeferredSave } from './deferred-save.js';
import { decodeRecordAt, encodeRecord, recordPayload, reseqRecord } from './record.js';
import { recoverSpool } from './recover.js';
import { Segment } from './segment.js';
import { PENDING_SUFFIX, SEGMENT_MAGIC, segmentName } from './segment-file.js';
import { readProgress, writeProgress, type ProgressMark } from './progress-mark.js';
import { MAX_IN_DOUBT, writeMeta, type SpoolMeta } from './spool-meta.js';
import { SpoolLock } from './spool-lock.js';

export interface DiskSpoolOptions {
  dir: string;
  /** Cap on the spool's files; the oldest frames are dropped to stay under it. */
  maxBytes: number;
  logger: Logger;
  /** A new segment starts once the current one reaches this size (default: 1/16 of the cap, 1 KB to 1 MB). */
  segmentBytes?: number;
}

/** The frame could not be written; it is counted as dropped. */
export class SpoolWriteError extends Error {}

export function defaultSegmentBytes(maxBytes: number): number {
  return Math.min(1024 * 1024, Math.max(1024, Math.floor(maxBytes / 16)));
}

/**
 * Frames awaiting the collector's ack, in segment files on disk. Each frame is appended and
 * fsynced before push() returns, so it survives a crash or power loss from then on. Only an
 * index (seq → segment, offset, length) is kept in memory; frames are read back when sent.
 *
 * A segment is deleted once none of its frames is waiting. When the cap is reached, whole
 * segments go, oldest first, and the frames still waiting in them are counted as dropped.
 * The newest frame is always kept, even one larger than the cap on its own.
 *
 * One process at a time: the spool is locked while open (spool-lock.ts).
 */
export class DiskSpool implements FrameQueue {
  readonly durable = true;
  readonly maxBytes: number;
  private readonly dir: string;
  private readonly logger: Logger;
  private readonly segmentBytes: number;
  private segments: Segment[];
  private active: { segment: Segment; fd: number } | undefined;
  private meta: SpoolMeta;
  private nextOrdinal: number;
  private held = 0;
  private heldBytes = 0;
  private newest: number | undefined;
  private progress: ProgressMark;
  private readonly progressSave = new DeferredSave(() => this.writeProgressNow());

  /** Throws SpoolLockedError when another live process has this spool open. */
  static open(options: DiskSpoolOptions): DiskSpool {
    // Taken before recovery, which deletes and renames files another process may be using.
    const lock = SpoolLock.acquire(options.dir);
    try {
      return new DiskSpool(options, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  private constructor(
    options: DiskSpoolOptions,
    private readonly lock: SpoolLock,
  ) {
    if (!(options.maxBytes > 0)) throw new Error('the spool cap must be positive');
    this.dir = options.dir;
    this.maxBytes = options.maxBytes;
    this.logger = options.logger;
    this.segmentBytes = options.segmentBytes ?? defaultSegmentBytes(options.maxBytes);
    const recovered = recoverSpool(this.dir, this.logger);
    this.meta = recovered.meta;
    this.segments = recovered.segments;
    this.nextOrdinal = recovered.nextOrdinal;
    for (const segment of this.segments) {
      this.held += segment.live;
      this.heldBytes += segment.bytes;
    }
    this.progress = readProgress(this.dir);
    this.removeThrough(this.progress.ackedThrough);
    this.newest = Math.max(this.segments.at(-1)?.lastSeq ?? 0, this.progress.ackedThrough) || undefined;
    // The cap may have been lowered since the last run.
    this.makeRoom(0);
    this.advanceAckedMark();
  }

  get size(): number {
    return this.held;
  }

  get dropped(): number {
    return this.meta.dropped;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  get oldestSeq(): number | undefined {
    for (const segment of this.segments) if (segment.live > 0) return segment.firstLiveSeq();
    return undefined;
  }

  get newestSeq(): number | undefined {
    return this.newest;
  }

  push(frame: Frame): void {
    if (this.newest !== undefined && frame.seq <= this.newest) throw new Error(`frame seq ${frame.seq} is not above the spooled ${this.newest}`);
    const record = encodeRecord(frame.seq, Buffer.from(JSON.stringify(frame)));
    this.makeRoom(record.length + SEGMENT_MAGIC.length);
    const fits = this.active && this.active.segment.bytes + record.length <= this.segmentBytes;
    try {
      if (fits) this.appendToActive(record);
      else this.startSegment(record);
    } catch (error) {
      this.countDropped(1);
      throw new SpoolWriteError(`cannot write frame ${frame.seq} to the spool in ${this.dir}: ${(error as Error).message}`);
    }
    const segment = this.active!.segment;
    segment.add(frame.seq, segment.bytes - record.length, record.length);
    this.held++;
    this.newest = frame.seq;
  }

  ack(seq: number): boolean {
    if (this.remove(seq)) return true;
    // The ack of a frame dropped while it was on its way: it was delivered after all.
    if (this.meta.inDoubt.includes(seq)) this.settleInDoubt((doubted) => doubted === seq);
    return false;
  }

  /** Counted at once, not in doubt: a frame the collector refuses for its size is never stored. */
  drop(seq: number): boolean {
    if (!this.remove(seq)) return false;
    this.countDropped(1);
    return true;
  }

  /** Forgets one waiting frame; false if it is not held. */
  private remove(seq: number): boolean {
    const found = this.locate(seq);
    if (!found || !found.segment.kill(found.index)) return false;
    this.held--;
    if (found.segment.live === 0) this.retire(found.segment);
    this.advanceAckedMark();
    return true;
  }

  /**
   * The collector's welcome: it holds every frame up to `seq`. Besides forgetting those, this
   * settles the drops in doubt: frames sent at or below `seq` were stored (a connection carries
   * frames in order and the collector commits them in order), those above were lost.
   */
  discardThrough(seq: number): number {
    const count = this.removeThrough(seq);
    this.advanceAckedMark();
    if (this.meta.inDoubt.length > 0) this.settleInDoubt((doubted) => doubted <= seq, true);
    return count;
  }

  /** The frame went out on a socket: if it is dropped before its ack, the collector may have it. */
  sent(seq: number): void {
    if (seq <= this.progress.sentThrough) return;
    this.progress = { ...this.progress, sentThrough: seq };
    this.saveProgress();
  }

  /** Forgets every frame with a seq up to `seq`; returns how many were waiting. */
  private removeThrough(seq: number): number {
    let count = 0;
    for (const segment of [...this.segments]) {
      if (segment.firstSeq! > seq) break;
      const end = segment.firstAbove(seq);
      for (let i = 0; i < end; i++) if (segment.kill(i)) count++;
      if (segment.live === 0) this.retire(segment);
    }
    this.held -= count;
    return count;
  }

  after(seq: number, limit: number): Frame[] {
    const frames: Frame[] = [];
    const unreadable: number[] = [];
    let stalled = false;
    for (let s = this.firstSegmentAbove(seq); s < this.segments.length && frames.length < limit && !stalled; s++) {
      const segment = this.segments[s]!;
      let fd: number | undefined;
      let i = segment.firstAbove(seq);
      try {
        for (; i < segment.count && frames.length < limit; i++) {
          if (!segment.isAlive(i)) continue;
          fd ??= this.active?.segment === segment ? this.active.fd : openSync(segment.path, 'r');
          const frame = this.readFrame(fd, segment, i);
          if (frame) frames.push(frame);
          else unreadable.push(segment.seq(i));
        }
      } catch (error) {
        if (isGone(error)) {
          this.logger.error({ file: segment.path, err: (error as Error).message }, 'a spool segment is gone; its frames are dropped');
          for (; i < segment.count; i++) if (segment.isAlive(i)) unreadable.push(segment.seq(i));
        } else {
          // Out of descriptors, a busy or failing disk: the frames are still there, so nothing is
          // dropped. Frames go out in seq order, so none after this one may be sent before it:
          // the read stops here, and the next send (new frame, ack or connection) tries again.
          this.logger.warn({ file: segment.path, err: (error as Error).message }, 'cannot read a spool segment now; trying again on the next send');
          stalled = true;
        }
      } finally {
        if (fd !== undefined && fd !== this.active?.fd) closeSync(fd);
      }
    }
    // Frames that can no longer be read (corrupt, or their file gone) would otherwise be offered
    // again forever.
    for (const lost of unreadable) if (this.ack(lost)) this.countDropped(1);
    return unreadable.length > 0 && frames.length < limit && !stalled ? this.after(seq, limit) : frames;
  }

  /**
   * Rewrites every segment holding waiting frames into new segments under the new seqs, one
   * segment at a time (never the whole spool in memory), then switches over in one durable step.
   */
  renumber(firstSeq: number): number[] {
    const previous: number[] = [];
    for (const segment of this.segments) for (const seq of segment.liveSeqs()) previous.push(seq);
    if (previous.length === 0) return previous;
    this.closeActive();

    const firstNew = this.nextOrdinal;
    // Seqs from before the renumbering mean nothing to the collector's count any more.
    this.meta = { ...this.meta, inDoubt: [] };
    const rewritten: Segment[] = [];
    let seq = firstSeq;
    try {
      for (const segment of this.segments) {
        if (segment.live === 0) continue;
        const ordinal = this.nextOrdinal++;
        const source = readFileSync(segment.path);
        const parts: Buffer[] = [SEGMENT_MAGIC];
        const copy = new Segment(ordinal, join(this.dir, segmentName(ordinal)), SEGMENT_MAGIC.length);
        for (let i = 0; i < segment.count; i++) {
          if (!segment.isAlive(i)) continue;
          const record = Buffer.from(source.subarray(segment.offset(i), segment.offset(i) + segment.length(i)));
          reseqRecord(record, seq);
          copy.add(seq++, copy.bytes, record.length);
          copy.bytes += record.length;
          parts.push(record);
        }
        writeFileAtomicSync(join(this.dir, segmentName(ordinal, PENDING_SUFFIX)), Buffer.concat(parts), 0o600, { fsync: true });
        rewritten.push(copy);
      }
      fsyncDir(this.dir);
    } catch (error) {
      for (const copy of rewritten) removeIfExists(join(this.dir, segmentName(copy.ordinal, PENDING_SUFFIX)));
      throw error;
    }

    // The commit point: from here a crash finishes the switch on the next open.
    this.meta = { ...this.meta, firstLiveSegment: firstNew, renamePending: true };
    writeMeta(this.dir, this.meta);
    for (const copy of rewritten) renameSync(join(this.dir, segmentName(copy.ordinal, PENDING_SUFFIX)), copy.path);
    fsyncDir(this.dir);
    for (const segment of this.segments) removeIfExists(segment.path);
    this.meta = { ...this.meta, renamePending: false };
    writeMeta(this.dir, this.meta);

    this.segments = rewritten;
    this.heldBytes = rewritten.reduce((sum, segment) => sum + segment.bytes, 0);
    this.newest = seq - 1;
    return previous;
  }

  close(): void {
    this.progressSave.flush();
    this.closeActive();
    this.lock.release();
  }

  private appendToActive(record: Buffer): void {
    const { segment, fd } = this.active!;
    try {
      writeFully(fd, record, segment.bytes);
      fsyncSync(fd);
    } catch (error) {
      // Take the partial record back so later appends do not follow a torn one; failing that,
      // leave this segment as it is (the next open cuts the torn tail) and start a new one.
      try {
        ftruncateSync(fd, segment.bytes);
      } catch {
        this.closeActive();
      }
      throw error;
    }
    segment.bytes += record.length;
    this.heldBytes += record.length;
  }

  private startSegment(record: Buffer): void {
    this.closeActive();
    const ordinal = this.nextOrdinal++;
    const path = join(this.dir, segmentName(ordinal));
    // Read-write: frames are read back through this descriptor while the segment is current.
    const fd = openSync(path, 'wx+', 0o600);
    try {
      writeFully(fd, Buffer.concat([SEGMENT_MAGIC, record]), 0);
      fsyncSync(fd);
      fsyncDir(this.dir);
    } catch (error) {
      closeSync(fd);
      removeIfExists(path);
      throw error;
    }
    const segment = new Segment(ordinal, path, SEGMENT_MAGIC.length + record.length);
    this.segments.push(segment);
    this.active = { segment, fd };
    this.heldBytes += segment.bytes;
  }

  /** Drops the oldest segments until `incoming` more bytes fit under the cap (or nothing is left). */
  private makeRoom(incoming: number): void {
    while (this.segments.length > 0 && this.heldBytes + incoming > this.maxBytes) {
      const oldest = this.segments[0]!;
      const lost = oldest.live;
      const sent = oldest.liveSeqs().filter((seq) => seq <= this.progress.sentThrough);
      const inDoubt = [...this.meta.inDoubt, ...sent].slice(-MAX_IN_DOUBT);
      this.meta = { ...this.meta, dropped: this.meta.dropped + lost, firstLiveSegment: oldest.ordinal + 1, inDoubt };
      this.persistMeta();
      this.held -= lost;
      this.retire(oldest);
      this.advanceAckedMark();
      if (lost > 0) this.logger.warn({ frames: lost, firstSeq: oldest.firstSeq, lastSeq: oldest.lastSeq, dropped: this.meta.dropped, maxBytes: this.maxBytes }, 'spool full; dropped the oldest frames');
    }
  }

  private advanceAckedMark(): void {
    const oldest = this.oldestSeq;
    const through = oldest === undefined ? (this.newest ?? 0) : oldest - 1;
    if (through <= this.progress.ackedThrough) return;
    this.progress = { ...this.progress, ackedThrough: through };
    this.saveProgress();
  }

  /** The mark changes with every frame sent or acked; the file follows once per event-loop turn. */
  private saveProgress(): void {
    this.progressSave.request();
  }

  private writeProgressNow(): void {
    try {
      writeProgress(this.dir, this.progress);
    } catch (error) {
      this.logger.warn({ dir: this.dir, err: (error as Error).message }, 'cannot save the progress mark of the spool');
    }
  }

  /** Takes the in-doubt drops matching `delivered` off the count; `all` settles the rest as lost. */
  private settleInDoubt(delivered: (seq: number) => boolean, all = false): void {
    const stored = this.meta.inDoubt.filter(delivered).length;
    const remaining = all ? [] : this.meta.inDoubt.filter((seq) => !delivered(seq));
    this.meta = { ...this.meta, dropped: this.meta.dropped - stored, inDoubt: remaining };
    this.persistMeta();
    if (stored > 0) this.logger.info({ frames: stored, dropped: this.meta.dropped }, 'frames dropped from the spool on their way had reached the collector; not counted as dropped');
  }

  private countDropped(frames: number): void {
    this.meta = { ...this.meta, dropped: this.meta.dropped + frames };
    this.persistMeta();
  }

  private persistMeta(): void {
    try {
      writeMeta(this.dir, this.meta);
    } catch (error) {
      this.logger.error({ dir: this.dir, err: (error as Error).message }, 'cannot save the spool state');
    }
  }

  /** Forgets a segment whose frames are all acknowledged or dropped, and deletes its file. */
  private retire(segment: Segment): void {
    const index = this.segments.indexOf(segment);
    if (index < 0) return;
    this.segments.splice(index, 1);
    if (this.active?.segment === segment) this.closeActive();
    this.heldBytes -= segment.bytes;
    // Should the unlink not reach the disk before a crash, its frames are sent again and the
    // collector, which stores each seq once, ignores them.
    removeIfExists(segment.path, this.logger);
  }

  private closeActive(): void {
    if (!this.active) return;
    try {
      closeSync(this.active.fd);
    } catch {
      /* already unusable; nothing left to release */
    }
    this.active = undefined;
  }

  private readFrame(fd: number, segment: Segment, index: number): Frame | undefined {
    const length = segment.length(index);
    const record = Buffer.allocUnsafe(length);
    const read = readSync(fd, record, 0, length, segment.offset(index));
    const decoded = decodeRecordAt(record.subarray(0, read), 0);
    if (!decoded.ok || decoded.seq !== segment.seq(index)) {
      this.logger.error({ file: segment.path, seq: segment.seq(index), problem: decoded.ok ? 'seq changed' : decoded.reason }, 'a spooled frame no longer reads back; it is dropped');
      return undefined;
    }
    try {
      return { ...(JSON.parse(recordPayload(record).toString('utf8')) as Frame), seq: decoded.seq };
    } catch (error) {
      this.logger.error({ file: segment.path, seq: decoded.seq, err: (error as Error).message }, 'a spooled frame is not JSON; it is dropped');
      return undefined;
    }
  }

  private locate(seq: number): { segment: Segment; index: number } | undefined {
    const s = this.firstSegmentAbove(seq - 1);
    const segment = this.segments[s];
    if (!segment) return undefined;
    const index = segment.firstAbove(seq - 1);
    return index < segment.count && segment.seq(index) === seq ? { segment, index } : undefined;
  }

  /** Index of the first segment holding a seq above `seq`. */
  private firstSegmentAbove(seq: number): number {
    let lo = 0;
    let hi = this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid]!.lastSeq! <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The file is no longer there to read: unlike a failed read, waiting will not bring it back. */
function isGone(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}
