import { readFileSync } from 'node:fs';
import { writeFileAtomicSync } from './atomic-write.js';
import { stateFiles } from './paths.js';

/**
 * The per-agent frame sequence. The collector stores each (agent, seq) once, so a seq must never be
 * handed out twice: the counter is persisted before the frame carrying it leaves this process.
 */
export interface SeqSource {
  /** The highest seq handed out so far (0 when none). */
  readonly last: number;
  next(): number;
  /** Continue after `seq` if it is ahead of the local counter. */
  advanceTo(seq: number): void;
}

export class FileSeqStore implements SeqSource {
  private current: number;
  private readonly file: string;

  constructor(stateDir: string) {
    this.file = stateFiles.seq(stateDir);
    this.current = readSeq(this.file);
  }

  get last(): number {
    return this.current;
  }

  next(): number {
    const seq = this.current + 1;
    writeFileAtomicSync(this.file, `${seq}\n`, 0o600);
    this.current = seq;
    return seq;
  }

  advanceTo(seq: number): void {
    if (seq <= this.current) return;
    writeFileAtomicSync(this.file, `${seq}\n`, 0o600);
    this.current = seq;
  }
}

/** In-memory counter for one-shot output (`collect`), where nothing is stored server-side. */
export class MemorySeqSource implements SeqSource {
  constructor(private current = 0) {}
  get last(): number {
    return this.current;
  }
  next(): number {
    return ++this.current;
  }
  advanceTo(seq: number): void {
    if (seq > this.current) this.current = seq;
  }
}

function readSeq(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const value = Number(text.trim());
  // A corrupt counter is recovered by the collector's welcome.lastSeq, so start from 0 instead of failing.
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
}
