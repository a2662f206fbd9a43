import { mkdirSync, readFileSync, readdirSync, renameSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../log.js';
import { fsyncDir } from '../../state/durable-fs.js';
import { removeIfExists } from '../../state/remove-if-exists.js';
import { Segment } from './segment.js';
import { SEGMENT_SUFFIX, parseSegmentName, scanSegment, segmentName } from './segment-file.js';
import { readMeta, writeMeta, type SpoolMeta } from './spool-meta.js';

export interface RecoveredSpool {
  meta: SpoolMeta;
  /** Oldest first; seqs rise across them. */
  segments: Segment[];
  /** The ordinal for the next new segment. */
  nextOrdinal: number;
}

/**
 * Brings a spool directory back to a consistent state after whatever ended the last run:
 * finishes or abandons a renumbering, deletes segments already dropped, cuts each segment after
 * its last whole record, and deletes files that are not segments at all. Problems are logged and
 * skipped; only an unusable directory throws.
 */
export function recoverSpool(dir: string, logger: Logger): RecoveredSpool {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { meta, problem } = readMeta(dir);
  if (problem) logger.warn({ dir }, problem);

  const live: number[] = [];
  let highestOrdinal = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name.startsWith('.') && name.endsWith('.tmp')) {
      removeIfExists(path, logger); // an atomic write cut short
      continue;
    }
    const parsed = parseSegmentName(name);
    if (!parsed) continue;
    highestOrdinal = Math.max(highestOrdinal, parsed.ordinal);
    if (parsed.pending) {
      if (meta.renamePending && parsed.ordinal >= meta.firstLiveSegment) {
        renameSync(path, join(dir, segmentName(parsed.ordinal)));
        live.push(parsed.ordinal);
      } else {
        removeIfExists(path, logger);
      }
    } else if (parsed.ordinal < meta.firstLiveSegment) {
      removeIfExists(path, logger);
    } else {
      live.push(parsed.ordinal);
    }
  }
  if (meta.renamePending) {
    fsyncDir(dir);
    meta.renamePending = false;
    writeMeta(dir, meta);
  }

  const segments: Segment[] = [];
  let lastSeq = 0;
  for (const ordinal of live.sort((a, b) => a - b)) {
    const segment = loadSegment(dir, ordinal, lastSeq, logger);
    if (!segment) continue;
    segments.push(segment);
    lastSeq = segment.lastSeq!;
  }
  return { meta, segments, nextOrdinal: Math.max(highestOrdinal + 1, meta.firstLiveSegment, 1) };
}

function loadSegment(dir: string, ordinal: number, afterSeq: number, logger: Logger): Segment | undefined {
  const path = join(dir, segmentName(ordinal, SEGMENT_SUFFIX));
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    logger.warn({ file: path, err: (error as Error).message }, 'cannot read a spool segment; skipping it');
    return undefined;
  }
  const scanned = scanSegment(bytes, afterSeq);
  if (!scanned.recognised) {
    logger.warn({ file: path, bytes: bytes.length }, 'not a spool segment (bad header); deleting it');
    removeIfExists(path, logger);
    return undefined;
  }
  if (scanned.problem) {
    // At the tail this is a record torn by a crash mid-append; anywhere else, damage. Either way
    // the records before it are whole and kept.
    logger.warn({ file: path, keptFrames: scanned.seqs.length, cutBytes: bytes.length - scanned.validBytes, problem: scanned.problem }, 'spool segment damaged; keeping the whole records before the damage');
    try {
      truncateSync(path, scanned.validBytes);
    } catch (error) {
      logger.warn({ file: path, err: (error as Error).message }, 'cannot cut the damaged tail off a spool segment');
    }
  }
  if (scanned.seqs.length === 0) {
    removeIfExists(path, logger);
    return undefined;
  }
  const segment = new Segment(ordinal, path, scanned.validBytes, scanned.seqs.length);
  for (let i = 0; i < scanned.seqs.length; i++) segment.add(scanned.seqs[i]!, scanned.offsets[i]!, scanned.lengths[i]!);
  return segment;
}
