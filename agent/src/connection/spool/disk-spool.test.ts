import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Frame } from '@vigil/shared';
import { silentLogger, type Logger } from '../../log.js';
import { DiskSpool, type DiskSpoolOptions } from './disk-spool.js';
import { SEGMENT_MAGIC } from './segment-file.js';

const dirs: string[] = [];
const spools: DiskSpool[] = [];
afterEach(() => {
  for (const spool of spools.splice(0)) spool.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-spool-'));
  dirs.push(dir);
  return join(dir, 'spool');
}

function open(dir: string, options: Partial<DiskSpoolOptions> = {}): DiskSpool {
  const spool = DiskSpool.open({ dir, maxBytes: 1024 * 1024, logger: silentLogger(), ...options });
  spools.push(spool);
  return spool;
}

function reopen(spool: DiskSpool, dir: string, options: Partial<DiskSpoolOptions> = {}): DiskSpool {
  spool.close();
  return open(dir, options);
}

/** A frame whose content says which seq it was created with, padded to a chosen size. */
function frame(seq: number, padding = 0): Frame {
  return { type: 'frame', seq, ts: 1_700_000_000_000 + seq, samples: [{ metric: 'cpu.usage_pct', value: seq }], sources: [{ source: 'cpu', status: 'ok', ...(padding ? { reason: 'x'.repeat(padding) } : {}) }] };
}

const seqs = (frames: Frame[]) => frames.map((f) => f.seq);
const values = (frames: Frame[]) => frames.map((f) => f.samples[0]!.value);
const segmentFiles = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.seg')).sort();

/** Collects warnings so a test can see that damage was reported, not silently skipped. */
function recordingLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const logger = silentLogger();
  logger.warn = ((...args: unknown[]) => warnings.push(String(args.find((a) => typeof a === 'string')))) as Logger['warn'];
  return { logger, warnings };
}

describe('DiskSpool', () => {
  it('gives frames back in order, without the acknowledged ones, across a reopen', () => {
    const dir = tempDir();
    let spool = open(dir, { segmentBytes: 600 });
    for (let seq = 1; seq <= 8; seq++) spool.push(frame(seq));
    expect(spool.size).toBe(8);
    expect(spool.ack(3)).toBe(true);
    expect(spool.ack(3)).toBe(false);
    expect(spool.ack(99)).toBe(false);
    expect(seqs(spool.after(0, 100))).toEqual([1, 2, 4, 5, 6, 7, 8]);
    expect(seqs(spool.after(4, 2))).toEqual([5, 6]);

    spool = reopen(spool, dir, { segmentBytes: 600 });
    // An acknowledged frame in the middle may come back (the collector stores each seq once);
    // frames are never lost, reordered or altered.
    const back = spool.after(0, 100);
    expect(seqs(back).filter((s) => s !== 3)).toEqual([1, 2, 4, 5, 6, 7, 8]);
    expect(back.find((f) => f.seq === 7)).toEqual(frame(7));
    spool.push(frame(9));
    expect(seqs(spool.after(7, 100))).toEqual([8, 9]);
    expect(() => spool.push(frame(9))).toThrow(/not above/);
  });

  it('forgets acknowledged frames for good: their segments are deleted and they stay gone after a reopen', () => {
    const dir = tempDir();
    let spool = open(dir, { segmentBytes: 400 });
    for (let seq = 1; seq <= 10; seq++) spool.push(frame(seq));
    const segmentsBefore = segmentFiles(dir).length;
    expect(segmentsBefore).toBeGreaterThan(2);
    for (let seq = 1; seq <= 6; seq++) spool.ack(seq);
    expect(segmentFiles(dir).length).toBeLessThan(segmentsBefore);

    spool = reopen(spool, dir, { segmentBytes: 400 });
    expect(seqs(spool.after(0, 100))).toEqual([7, 8, 9, 10]);
    expect(spool.size).toBe(4);
    expect(spool.discardThrough(8)).toBe(2);
    spool.ack(9);
    spool.ack(10);
    expect(spool.size).toBe(0);
    expect(spool.bytes).toBe(0);
    expect(segmentFiles(dir)).toEqual([]);

    // Emptied, the spool still remembers how far it got: a lower seq is refused after a reopen.
    spool = reopen(spool, dir);
    expect(spool.size).toBe(0);
    expect(spool.newestSeq).toBe(10);
    expect(() => spool.push(frame(10))).toThrow(/not above/);
  });

  it('loses only the torn record when the last segment is cut mid-record', () => {
    const dir = tempDir();
    let spool = open(dir);
    for (let seq = 1; seq <= 5; seq++) spool.push(frame(seq));
    spool.close();
    const [last] = segmentFiles(dir).slice(-1);
    const path = join(dir, last!);
    truncateSync(path, statSync(path).size - 7);

    const { logger, warnings } = recordingLogger();
    spool = open(dir, { logger });
    expect(seqs(spool.after(0, 100))).toEqual([1, 2, 3, 4]);
    expect(warnings.some((w) => /damaged/.test(w))).toBe(true);
    // The torn bytes are cut off, and appending continues cleanly after them.
    spool.push(frame(5));
    spool = reopen(spool, dir);
    expect(seqs(spool.after(0, 100))).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps the records before a flipped byte and drops the rest of that segment only', () => {
    const dir = tempDir();
    let spool = open(dir, { segmentBytes: 500 });
    for (let seq = 1; seq <= 6; seq++) spool.push(frame(seq));
    spool.close();
    const [first] = segmentFiles(dir);
    const path = join(dir, first!);
    const bytes = readFileSync(path);
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
    writeFileSync(path, bytes);
    spool = open(dir, { segmentBytes: 500 });
    const back = seqs(spool.after(0, 100));
    expect(back[0]).toBe(1);
    expect(back.at(-1)).toBe(6);
    expect(back.length).toBe(5);
  });

  it('skips and removes a garbage file where a segment should be, without failing', () => {
    const dir = tempDir();
    let spool = open(dir);
    spool.push(frame(1));
    spool.close();
    writeFileSync(join(dir, '000000000000.seg'), 'this is not a spool segment at all');
    writeFileSync(join(dir, '000000000099.seg'), Buffer.concat([SEGMENT_MAGIC, Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3])]));
    writeFileSync(join(dir, 'meta.json'), '{ not json');
    const { logger, warnings } = recordingLogger();
    spool = open(dir, { logger });
    expect(seqs(spool.after(0, 100))).toEqual([1]);
    expect(warnings.some((w) => /not a spool segment/.test(w))).toBe(true);
    expect(warnings.some((w) => /corrupt/.test(w))).toBe(true);
    spool.push(frame(2));
    expect(seqs(spool.after(0, 100))).toEqual([1, 2]);
  });

  it('drops the oldest frames when full, counts them exactly, and remembers the count', () => {
    const dir = tempDir();
    const maxBytes = 16 * 1024;
    let spool = open(dir, { maxBytes });
    const produced = 80;
    for (let seq = 1; seq <= produced; seq++) {
      spool.push(frame(seq, 300));
      expect(spool.bytes).toBeLessThanOrEqual(maxBytes);
    }
    const held = seqs(spool.after(0, 1000));
    expect(spool.dropped).toBeGreaterThan(0);
    // Exactly the oldest are gone, the newest all kept, and the count says how many.
    expect(held).toEqual(Array.from({ length: held.length }, (_, i) => produced - held.length + 1 + i));
    expect(spool.dropped).toBe(produced - held.length);
    expect(spool.size).toBe(held.length);

    const dropped = spool.dropped;
    spool = reopen(spool, dir, { maxBytes });
    expect(spool.dropped).toBe(dropped);
    expect(seqs(spool.after(0, 1000))).toEqual(held);

    // Acknowledged frames are not counted when later pushes make room.
    for (const seq of held) spool.ack(seq);
    for (let seq = produced + 1; seq <= produced + 5; seq++) spool.push(frame(seq, 300));
    expect(spool.dropped).toBe(dropped);
  });

  it('applies a lowered cap on reopen', () => {
    const dir = tempDir();
    let spool = open(dir, { maxBytes: 64 * 1024 });
    for (let seq = 1; seq <= 40; seq++) spool.push(frame(seq, 500));
    expect(spool.dropped).toBe(0);
    spool = reopen(spool, dir, { maxBytes: 16 * 1024 });
    expect(spool.bytes).toBeLessThanOrEqual(16 * 1024);
    expect(spool.dropped).toBe(40 - spool.size);
    expect(seqs(spool.after(0, 100)).at(-1)).toBe(40);
  });

  it('keeps a frame larger than the whole cap as the only one, so it still goes out', () => {
    const dir = tempDir();
    const spool = open(dir, { maxBytes: 16 * 1024 });
    spool.push(frame(1));
    spool.push(frame(2, 40_000));
    expect(seqs(spool.after(0, 10))).toEqual([2]);
    expect(spool.dropped).toBe(1);
    spool.push(frame(3));
    expect(seqs(spool.after(0, 10))).toEqual([3]);
    expect(spool.dropped).toBe(2);
  });

  it('counts the bytes of its segment files', () => {
    const dir = tempDir();
    let spool = open(dir, { segmentBytes: 700 });
    for (let seq = 1; seq <= 12; seq++) spool.push(frame(seq, 100));
    const onDisk = () => segmentFiles(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
    expect(spool.bytes).toBe(onDisk());
    for (let seq = 1; seq <= 7; seq++) spool.ack(seq);
    expect(spool.bytes).toBe(onDisk());
    spool = reopen(spool, dir, { segmentBytes: 700 });
    expect(spool.bytes).toBe(onDisk());
    expect(spool.maxBytes).toBe(1024 * 1024);
  });

  it('renumbers the waiting frames in order, durably, segment by segment', () => {
    const dir = tempDir();
    let spool = open(dir, { segmentBytes: 500 });
    for (let seq = 1; seq <= 9; seq++) spool.push(frame(seq));
    spool.ack(1);
    spool.ack(4);
    expect(spool.renumber(101)).toEqual([2, 3, 5, 6, 7, 8, 9]);
    const renumbered = spool.after(0, 100);
    expect(seqs(renumbered)).toEqual([101, 102, 103, 104, 105, 106, 107]);
    // Same frames, same order: only the seq changed.
    expect(values(renumbered)).toEqual([2, 3, 5, 6, 7, 8, 9]);
    expect(spool.newestSeq).toBe(107);
    expect(() => spool.push(frame(107))).toThrow(/not above/);
    spool.push(frame(108));

    spool = reopen(spool, dir, { segmentBytes: 500 });
    expect(seqs(spool.after(0, 100))).toEqual([101, 102, 103, 104, 105, 106, 107, 108]);
    expect(values(spool.after(0, 100))).toEqual([2, 3, 5, 6, 7, 8, 9, 108]);
    expect(readdirSync(dir).filter((name) => name.endsWith('.new'))).toEqual([]);
  });

  it('finishes a renumbering that was committed but cut short, and abandons one that was not', () => {
    const committed = tempDir();
    let spool = open(committed, { segmentBytes: 500 });
    for (let seq = 1; seq <= 6; seq++) spool.push(frame(seq));
    spool.renumber(50);
    spool.close();
    // As if the process died right after the commit: copies not yet renamed, old segments there.
    const current = segmentFiles(committed);
    for (const name of current) writeFileSync(join(committed, `${name}.new`), readFileSync(join(committed, name)));
    for (const name of current) rmSync(join(committed, name));
    writeFileSync(join(committed, '000000000001.seg'), Buffer.concat([SEGMENT_MAGIC]));
    const meta = JSON.parse(readFileSync(join(committed, 'meta.json'), 'utf8'));
    writeFileSync(join(committed, 'meta.json'), JSON.stringify({ ...meta, renamePending: true }));
    spool = open(committed, { segmentBytes: 500 });
    expect(seqs(spool.after(0, 100))).toEqual([50, 51, 52, 53, 54, 55]);

    const abandoned = tempDir();
    spool = open(abandoned);
    for (let seq = 1; seq <= 3; seq++) spool.push(frame(seq));
    spool.close();
    // A copy written before the commit: it must not be taken for real frames.
    writeFileSync(join(abandoned, '000000000077.seg.new'), readFileSync(join(abandoned, segmentFiles(abandoned)[0]!)));
    spool = open(abandoned);
    expect(seqs(spool.after(0, 100))).toEqual([1, 2, 3]);
    expect(readdirSync(abandoned).filter((name) => name.endsWith('.new'))).toEqual([]);
  });

  it('does not count a crash between dropping a segment and deleting it twice', () => {
    const dir = tempDir();
    let spool = open(dir, { maxBytes: 16 * 1024, segmentBytes: 1024 });
    for (let seq = 1; seq <= 60; seq++) spool.push(frame(seq, 200));
    const dropped = spool.dropped;
    expect(dropped).toBeGreaterThan(0);
    const held = seqs(spool.after(0, 1000));
    spool.close();
    // Resurrect a dropped segment, as if its unlink never reached the disk.
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { firstLiveSegment: number };
    const ghost = join(dir, `${String(meta.firstLiveSegment - 1).padStart(12, '0')}.seg`);
    writeFileSync(ghost, readFileSync(join(dir, segmentFiles(dir)[0]!)));
    spool = open(dir, { maxBytes: 16 * 1024, segmentBytes: 1024 });
    expect(spool.dropped).toBe(dropped);
    expect(seqs(spool.after(0, 1000))).toEqual(held);
    expect(segmentFiles(dir)).not.toContain(ghost.slice(dir.length + 1));
  });

  it('reads frames back from disk rather than keeping them in memory', () => {
    const dir = tempDir();
    const spool = open(dir);
    for (let seq = 1; seq <= 3; seq++) spool.push(frame(seq));
    // Damage a record after it was indexed: the spool notices on reading, drops and counts it.
    const [name] = segmentFiles(dir);
    const path = join(dir, name!);
    const bytes = readFileSync(path);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
    writeFileSync(path, bytes);
    expect(seqs(spool.after(0, 10))).toEqual([1, 2]);
    expect(spool.dropped).toBe(1);
    expect(spool.size).toBe(2);
  });

  it('keeps the frames of a segment it cannot read for now, and sends them once it can', () => {
    const dir = tempDir();
    const spool = open(dir, { segmentBytes: 600 });
    for (let seq = 1; seq <= 6; seq++) spool.push(frame(seq));
    const [first] = segmentFiles(dir);
    const path = join(dir, first!);
    const bytes = readFileSync(path);
    // A read error that is not about the data (EISDIR here, as EMFILE or EIO would be): the frames
    // are not dropped, and nothing after them is offered ahead of them.
    rmSync(path);
    mkdirSync(path);
    expect(spool.after(0, 10)).toEqual([]);
    expect(spool.dropped).toBe(0);
    expect(spool.size).toBe(6);
    rmSync(path, { recursive: true });
    writeFileSync(path, bytes);
    expect(seqs(spool.after(0, 10))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('drops and counts the frames of a segment whose file is gone', () => {
    const dir = tempDir();
    const spool = open(dir, { segmentBytes: 600 });
    for (let seq = 1; seq <= 6; seq++) spool.push(frame(seq));
    const [first] = segmentFiles(dir);
    rmSync(join(dir, first!));
    const left = seqs(spool.after(0, 10));
    expect(left[0]).toBeGreaterThan(1);
    expect(spool.dropped).toBe(6 - left.length);
    expect(spool.size).toBe(left.length);
  });

  it('does not count as dropped a frame that was sent and turns out stored, even across a restart', () => {
    const dir = tempDir();
    const options = { maxBytes: 16 * 1024, segmentBytes: 1024 };
    let spool = open(dir, options);
    for (let seq = 1; seq <= 5; seq++) spool.push(frame(seq, 200));
    // 1-3 went out; the connection died before any ack came back.
    for (const seq of [1, 2, 3]) spool.sent(seq);
    spool = reopen(spool, dir, options);
    for (let seq = 6; seq <= 60; seq++) spool.push(frame(seq, 200));
    const held = seqs(spool.after(0, 1000));
    expect(held[0]).toBeGreaterThan(5);
    const counted = 60 - held.length;
    expect(spool.dropped).toBe(counted);

    // The next welcome: the collector holds up to 2. Frames 1 and 2 were delivered after all;
    // 3 and the rest were not.
    spool.discardThrough(2);
    expect(spool.dropped).toBe(counted - 2);
    spool.discardThrough(3);
    expect(spool.dropped).toBe(counted - 2);
    spool = reopen(spool, dir, options);
    expect(spool.dropped).toBe(counted - 2);
  });

  it('takes a frame off the drop count when its ack arrives after it was dropped', () => {
    const dir = tempDir();
    const spool = open(dir, { maxBytes: 16 * 1024, segmentBytes: 1024 });
    spool.push(frame(1, 200));
    spool.sent(1);
    for (let seq = 2; seq <= 60; seq++) spool.push(frame(seq, 200));
    const counted = spool.dropped;
    expect(seqs(spool.after(0, 1000))).not.toContain(1);
    expect(spool.ack(1)).toBe(false);
    expect(spool.dropped).toBe(counted - 1);
    expect(spool.ack(1)).toBe(false);
    expect(spool.dropped).toBe(counted - 1);
  });

  it('drops a frame that can never be delivered, counts it at once and for good, and keeps the rest in order', () => {
    const dir = tempDir();
    let spool = open(dir, { segmentBytes: 600 });
    for (let seq = 1; seq <= 4; seq++) spool.push(frame(seq));
    spool.sent(1);
    spool.sent(2);
    expect(spool.drop(2)).toBe(true);
    expect(spool.drop(2)).toBe(false);
    expect(spool.drop(99)).toBe(false);
    expect(spool.size).toBe(3);
    expect(spool.dropped).toBe(1);
    expect(seqs(spool.after(0, 10))).toEqual([1, 3, 4]);
    // Not in doubt, unlike a sent frame the full spool dropped: no welcome takes it off the count.
    spool.discardThrough(1);
    expect(spool.dropped).toBe(1);
    spool = reopen(spool, dir, { segmentBytes: 600 });
    expect(spool.dropped).toBe(1);
    expect(seqs(spool.after(0, 10))).toEqual([3, 4]);
  });
});
