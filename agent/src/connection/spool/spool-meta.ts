import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../state/atomic-write.js';

/**
 * The spool's small durable state, replaced atomically. It is the commit point of the two steps
 * that must not be half done after a crash:
 * - dropping the oldest segment: the drop count and `firstLiveSegment` move together, so a
 *   segment left behind by a crash before its unlink is deleted on open, not counted again;
 * - renumbering: the renumbered copies (`*.seg.new`) replace every older segment once
 *   `renamePending` says so; without it they are an unfinished attempt and are deleted.
 */
export interface SpoolMeta {
  /** Frames dropped because the spool was full, over the agent's lifetime. */
  dropped: number;
  /** Segments with a lower ordinal are dead and deleted on sight. */
  firstLiveSegment: number;
  renamePending: boolean;
  /**
   * Dropped frames that had been sent but not acknowledged: the collector may have stored them.
   * Counted in `dropped` until the next welcome says whether it did.
   */
  inDoubt: number[];
}

/** Frames in doubt are at most those in flight; this bound only guards against a runaway list. */
export const MAX_IN_DOUBT = 4096;

export const EMPTY_META: SpoolMeta = { dropped: 0, firstLiveSegment: 0, renamePending: false, inDoubt: [] };

export const metaFile = (dir: string) => join(dir, 'meta.json');

export function writeMeta(dir: string, meta: SpoolMeta): void {
  writeFileAtomicSync(metaFile(dir), `${JSON.stringify(meta)}\n`, 0o600, { fsync: true });
}

/** A missing file is a new spool; an unreadable one is reported and replaced by defaults. */
export function readMeta(dir: string): { meta: SpoolMeta; problem?: string } {
  let text: string;
  try {
    text = readFileSync(metaFile(dir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { meta: { ...EMPTY_META, inDoubt: [] } };
    return { meta: { ...EMPTY_META, inDoubt: [] }, problem: `cannot read ${metaFile(dir)}: ${(error as Error).message}` };
  }
  try {
    const parsed = JSON.parse(text) as Partial<Record<keyof SpoolMeta, unknown>>;
    const count = (value: unknown) => (Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined);
    const dropped = count(parsed.dropped);
    const firstLiveSegment = count(parsed.firstLiveSegment);
    if (dropped === undefined || firstLiveSegment === undefined || typeof parsed.renamePending !== 'boolean') throw new Error('unexpected content');
    const inDoubt = Array.isArray(parsed.inDoubt) ? parsed.inDoubt.filter((seq): seq is number => count(seq) !== undefined).slice(0, MAX_IN_DOUBT) : [];
    return { meta: { dropped, firstLiveSegment, renamePending: parsed.renamePending, inDoubt } };
  } catch (error) {
    return { meta: { ...EMPTY_META, inDoubt: [] }, problem: `${metaFile(dir)} is corrupt (${(error as Error).message}); the drop count starts again at 0` };
  }
}
