import { closeSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { RunLedgerLineSchema, type JobResultMessage, type RunLedgerLine as LedgerLine } from '@vigil/shared';
import { writeFileAtomicSync } from './atomic-write.js';
import { writeFully } from './durable-fs.js';

/**
 * Every run id this agent has accepted, with its result once there is one, so a dispatch is never
 * run twice: not when the collector re-sends it after a reconnect, nor after the agent restarted.
 *
 * On disk as JSON lines appended and fsynced before the script starts (a "seen" line) and when it
 * ends (a "done" line): a crash leaves at most a torn last line, which is skipped. When the file
 * holds three lines per entry kept, it is rewritten atomically with just those entries.
 */

export const DEFAULT_LEDGER_ENTRIES = 1_000;
/** Output kept per stream of a stored result; the live result went out whole. */
export const LEDGER_OUTPUT_CAP_BYTES = 4 * 1024;

export interface LedgerEntry {
  runId: string;
  jobId: string;
  seenAt: number;
  /** Null while running, or when the agent died before the run ended. */
  result: JobResultMessage | null;
}

export interface RunLedgerOptions {
  /** Null: memory only (tests, and one-off use). */
  file: string | null;
  maxEntries?: number;
  outputCapBytes?: number;
}

export class RunLedger {
  private readonly entries = new Map<string, LedgerEntry>();
  private readonly file: string | null;
  private readonly maxEntries: number;
  private readonly outputCap: number;
  private lines = 0;
  /** Lines that could not be read at open (a torn last line, or damage). */
  readonly skippedLines: number = 0;
  /** Why the file could not be read at open, if it could not. */
  readonly problem: string | undefined;

  constructor(options: RunLedgerOptions) {
    this.file = options.file;
    this.maxEntries = options.maxEntries ?? DEFAULT_LEDGER_ENTRIES;
    this.outputCap = options.outputCapBytes ?? LEDGER_OUTPUT_CAP_BYTES;
    if (!this.file) return;
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.problem = `cannot read ${this.file}: ${(error as Error).message}`;
    }
    let skipped = 0;
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      this.lines++;
      const line = parseLine(raw);
      if (line) this.apply(line);
      else skipped++;
    }
    this.skippedLines = skipped;
    this.trim();
  }

  get size(): number {
    return this.entries.size;
  }

  get(runId: string): LedgerEntry | undefined {
    return this.entries.get(runId);
  }

  /** Records a run as started; on disk before this returns, so a crash cannot make it run again. Throws when it cannot be recorded. */
  begin(runId: string, jobId: string, now: number): void {
    this.append({ t: 'seen', runId, jobId, at: now });
  }

  /** Records a run's result (recording the run first if it was never begun, as a refusal is not). */
  finish(runId: string, jobId: string, result: JobResultMessage, now: number): void {
    if (!this.entries.has(runId)) this.append({ t: 'seen', runId, jobId, at: now });
    this.append({ t: 'done', runId, result: this.capped(result) });
  }

  private append(line: LedgerLine): void {
    if (this.file) {
      const fd = openSync(this.file, 'a', 0o600);
      try {
        writeFully(fd, Buffer.from(`${JSON.stringify(line)}\n`), 0);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.lines++;
    }
    this.apply(line);
    this.trim();
    // A compacted file holds up to two lines per entry; rewriting at three keeps rewrites rare.
    if (this.file && this.lines > 3 * this.maxEntries) this.compact();
  }

  private apply(line: LedgerLine): void {
    if (line.t === 'seen') {
      if (!this.entries.has(line.runId)) this.entries.set(line.runId, { runId: line.runId, jobId: line.jobId, seenAt: line.at, result: null });
      return;
    }
    const entry = this.entries.get(line.runId);
    if (entry) entry.result = line.result;
  }

  /** Keeps the newest maxEntries (a Map iterates in insertion order, oldest first). */
  private trim(): void {
    for (const runId of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(runId);
    }
  }

  private compact(): void {
    const lines: string[] = [];
    for (const entry of this.entries.values()) {
      lines.push(JSON.stringify({ t: 'seen', runId: entry.runId, jobId: entry.jobId, at: entry.seenAt }));
      if (entry.result) lines.push(JSON.stringify({ t: 'done', runId: entry.runId, result: entry.result }));
    }
    writeFileAtomicSync(this.file!, lines.length ? `${lines.join('\n')}\n` : '', 0o600, { fsync: true });
    this.lines = lines.length;
  }

  private capped(result: JobResultMessage): JobResultMessage {
    const stdout = capUtf8(result.stdout, this.outputCap);
    const stderr = capUtf8(result.stderr, this.outputCap);
    return {
      ...result,
      stdout: stdout.text,
      stderr: stderr.text,
      stdoutTruncated: result.stdoutTruncated || stdout.cut,
      stderrTruncated: result.stderrTruncated || stderr.cut,
    };
  }
}

function parseLine(raw: string): LedgerLine | null {
  try {
    const parsed = RunLedgerLineSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The first `cap` bytes of `text` as UTF-8, never ending in half a character. */
export function capUtf8(text: string, cap: number): { text: string; cut: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= cap) return { text, cut: false };
  let end = cap;
  // Back up over continuation bytes (10xxxxxx) to the start of the character the cap splits.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), cut: true };
}
