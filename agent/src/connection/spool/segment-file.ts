import { decodeRecordAt } from './record.js';

/**
 * A segment file is this magic followed by records (see record.ts). The magic tells a spool
 * segment from anything else that ended up in the directory, and carries the format version.
 */
export const SEGMENT_MAGIC = Buffer.from('VGSPOOL1', 'ascii');

export const SEGMENT_SUFFIX = '.seg';
/** Renumbered copies, written before the switch to them is committed (see spool-meta.ts). */
export const PENDING_SUFFIX = '.seg.new';

export function segmentName(ordinal: number, suffix = SEGMENT_SUFFIX): string {
  return `${String(ordinal).padStart(12, '0')}${suffix}`;
}

export function parseSegmentName(name: string): { ordinal: number; pending: boolean } | undefined {
  const match = /^(\d{12})(\.seg(?:\.new)?)$/.exec(name);
  if (!match) return undefined;
  return { ordinal: Number(match[1]), pending: match[2] === PENDING_SUFFIX };
}

export interface ScannedSegment {
  /** False when the file does not start with the magic: not a segment at all. */
  recognised: boolean;
  seqs: number[];
  offsets: number[];
  lengths: number[];
  /** Bytes up to the end of the last whole record. */
  validBytes: number;
  /** Why scanning stopped before the end of the file. */
  problem?: string;
}

/**
 * Indexes the whole records of a segment. Scanning stops at the first record that is cut short,
 * fails its checksum, or does not carry a higher seq than the one before: what a crash mid-append
 * leaves at the tail. Everything before it is kept.
 */
export function scanSegment(bytes: Buffer, afterSeq = 0): ScannedSegment {
  const scanned: ScannedSegment = { recognised: false, seqs: [], offsets: [], lengths: [], validBytes: 0 };
  if (bytes.length < SEGMENT_MAGIC.length || !bytes.subarray(0, SEGMENT_MAGIC.length).equals(SEGMENT_MAGIC)) return scanned;
  scanned.recognised = true;
  let offset = SEGMENT_MAGIC.length;
  let previousSeq = afterSeq;
  while (offset < bytes.length) {
    const record = decodeRecordAt(bytes, offset);
    if (!record.ok) {
      scanned.problem = `${record.reason} at byte ${offset}`;
      break;
    }
    if (record.seq <= previousSeq) {
      scanned.problem = `record seq ${record.seq} at byte ${offset} does not follow seq ${previousSeq}`;
      break;
    }
    scanned.seqs.push(record.seq);
    scanned.offsets.push(offset);
    scanned.lengths.push(record.length);
    previousSeq = record.seq;
    offset += record.length;
  }
  scanned.validBytes = offset;
  return scanned;
}
