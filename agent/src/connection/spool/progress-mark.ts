import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../state/atomic-write.js';

/**
 * How far the spool got, in two seqs:
 * - `ackedThrough`: every frame up to it is acknowledged, dropped or discarded, so a reopened
 *   spool neither resends nor counts again frames the collector already has;
 * - `sentThrough`: the highest seq that went out on a socket. Frames are sent oldest first, so a
 *   held frame at or below it was sent, and the collector may have stored it even if no ack came.
 * Rewritten without fsync, at most once per event-loop turn (the spool coalesces the changes of a
 * batch of sends or acks), so a crash or power loss can lose the latest changes. Both marks only
 * ever lag: a lost update makes the spool resend frames the collector stores once anyway, or count
 * a drop it could have settled; it never hides a frame.
 */
export interface ProgressMark {
  ackedThrough: number;
  sentThrough: number;
}

export const progressFile = (dir: string) => join(dir, 'progress');

export function readProgress(dir: string): ProgressMark {
  try {
    const [acked, sent] = readFileSync(progressFile(dir), 'utf8').trim().split(/\s+/).map(Number);
    const valid = (value: number | undefined) => (value !== undefined && Number.isSafeInteger(value) && value > 0 ? value : 0);
    return { ackedThrough: valid(acked), sentThrough: valid(sent) };
  } catch {
    return { ackedThrough: 0, sentThrough: 0 };
  }
}

export function writeProgress(dir: string, mark: ProgressMark): void {
  writeFileAtomicSync(progressFile(dir), `${mark.ackedThrough} ${mark.sentThrough}\n`, 0o600);
}
