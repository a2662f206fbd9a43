import { runCommand, describeCommandFailure, type CommandOptions, type CommandResult } from '../../os/run-command.js';
import { JOURNAL_LOG, parseJournalJson } from './journald-parser.js';
import { FIRST_READ_LOOKBACK_MS, type EventRead, type EventSource, type ReadOptions } from './types.js';

export interface JournaldPosition {
  /** __CURSOR of the last entry read. */
  cursor: string;
}

export type CommandRunner = (name: string, args: readonly string[], options: CommandOptions) => Promise<CommandResult>;

/** Output kept per read; a longer one is cut and the rest is read next time, from the last whole line. */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/** journalctl's words when it cannot read the whole journal (systemd 252 wording, stable for years). */
const PARTIAL_ACCESS = /not seeing messages from|insufficient permissions/i;

type Query =
  | { kind: 'ok'; stdout: string; truncated: boolean }
  | { kind: 'cursor_rejected'; detail: string }
  | { kind: 'failed'; reason: string };

/**
 * Linux journald through `journalctl -o json -p warning`, resuming from a cursor.
 *
 * It resumes with `--cursor C` and drops C itself from the answer rather than using
 * `--after-cursor C`: when C's entry has been rotated or vacuumed away, journalctl seeks to the
 * nearest entry and --after-cursor then skips that entry too, silently losing one (observed with
 * systemd 252). With --cursor, an answer that does not start with C says exactly that.
 *
 * A first read (no saved cursor) starts an hour back with `--since`, so a newly installed agent
 * reports what went wrong just before it arrived, without replaying months of history.
 */
export class JournaldSource implements EventSource<JournaldPosition> {
  readonly name = 'journald';

  constructor(
    private readonly run: CommandRunner = runCommand,
    private readonly env?: NodeJS.ProcessEnv,
  ) {}

  parsePosition(saved: unknown): JournaldPosition | undefined {
    if (typeof saved !== 'object' || saved === null) return undefined;
    const cursor = (saved as { cursor?: unknown }).cursor;
    return typeof cursor === 'string' && cursor.length > 0 ? { cursor } : undefined;
  }

  async read(from: JournaldPosition | undefined, options: ReadOptions): Promise<EventRead<JournaldPosition>> {
    const notes: string[] = [];
    if (from) {
      // One more line than the limit: the first line is normally the cursor's own entry.
      const resumed = await this.query(['--cursor', from.cursor], options.limit + 1, options);
      if (resumed.kind !== 'cursor_rejected') return this.finish(resumed, from, notes);
      // A cursor journalctl cannot parse (a damaged state file, a journal from another machine):
      // go back to the time written inside it, or an hour. Entries read twice are dropped by the
      // collector, so erring early costs nothing. Only one fallback per read: never a loop.
      const since = cursorTime(from.cursor) ?? options.now - FIRST_READ_LOOKBACK_MS;
      notes.push(`journalctl rejected the saved cursor (${resumed.detail}); resumed from ${new Date(since).toISOString()}`);
      return this.finish(await this.query(['--since', sinceArg(since)], options.limit, options), undefined, notes);
    }
    const first = await this.query(['--since', sinceArg(options.now - FIRST_READ_LOOKBACK_MS)], options.limit, options);
    if (first.kind === 'ok' && first.stdout.trim() === '' && (await this.hasNoJournal(options))) {
      // journalctl answers an empty query the same whether the journal is quiet or absent; a
      // host where journald keeps no journal at all has no error count to report, not zero.
      return { ok: false, reason: 'journalctl found no journal files: systemd-journald is not running or not keeping logs on this host' };
    }
    return this.finish(first, undefined, notes);
  }

  /** `journalctl --disk-usage` only stats the journal files, and says when there are none. */
  private async hasNoJournal(options: ReadOptions): Promise<boolean> {
    const result = await this.run('journalctl', ['--disk-usage'], { timeoutMs: options.timeoutMs, ...(this.env ? { env: this.env } : {}) });
    return result.kind === 'exited' && /No journal files were found/i.test(result.stderr);
  }

  /** The exact command line: tests and support engineers can run the same. */
  static args(position: readonly string[], lines: number): string[] {
    return ['-o', 'json', '-p', 'warning', '--no-pager', '--lines', String(lines), ...position];
  }

  private async query(position: string[], lines: number, options: ReadOptions): Promise<Query> {
    const result = await this.run('journalctl', JournaldSource.args(position, lines), {
      timeoutMs: options.timeoutMs,
      maxOutputBytes: MAX_OUTPUT_BYTES,
      ...(this.env ? { env: this.env } : {}),
    });
    if (result.kind !== 'exited') return { kind: 'failed', reason: result.reason };
    const stderr = result.stderr.trim();
    const partial = stderr.split('\n').find((line) => PARTIAL_ACCESS.test(line));
    // Without access journalctl shows only the user's own journal (or nothing), and counts from
    // that would be false zeros: better no numbers than wrong ones.
    if (partial) return { kind: 'failed', reason: `journalctl cannot read the system journal (${partial.trim()}); run the agent as root or in the systemd-journal group` };
    if (result.exitCode === 0 && result.signal === null) return { kind: 'ok', stdout: result.stdout, truncated: result.stdoutTruncated };
    const rejected = /Failed to seek to cursor[^\n]*/.exec(stderr);
    if (rejected) return { kind: 'cursor_rejected', detail: rejected[0] };
    return { kind: 'failed', reason: describeCommandFailure(result) };
  }

  private finish(query: Query, from: JournaldPosition | undefined, notes: string[]): EventRead<JournaldPosition> {
    if (query.kind === 'cursor_rejected') return { ok: false, reason: `journalctl: ${query.detail}` };
    if (query.kind === 'failed') return { ok: false, reason: [...notes, query.reason].join('; ') };
    const parsed = parseJournalJson(query.stdout);
    // A cut-off output ends in half a line; that one is expected, not a problem worth reporting.
    const badLines = parsed.badLines - (query.truncated && !query.stdout.endsWith('\n') ? 1 : 0);
    if (badLines > 0) notes.push(`${badLines} journalctl line(s) were not valid JSON and were skipped`);
    if (query.truncated) notes.push('journalctl output was longer than read at once; the rest follows in the next frames');
    let { entries } = parsed;
    if (from) {
      if (parsed.cursors[0] === from.cursor) {
        entries = entries.filter((e) => e.id !== from.cursor);
      } else if (parsed.cursors.length > 0) {
        notes.push('the entry of the saved cursor is no longer in the journal (rotated or vacuumed); continued from the next one there');
      }
    }
    const last = parsed.cursors.at(-1);
    return { ok: true, entries, position: last ? { cursor: last } : from, logs: [JOURNAL_LOG], failures: [], notes };
  }
}

/** journalctl reads `@<seconds>` as a point in time, independent of the host's time zone. */
function sinceArg(ms: number): string {
  return `@${Math.floor(ms / 1000)}`;
}

/** The realtime timestamp (hex microseconds) inside a cursor such as "s=...;i=...;t=61c2e1d5b065f;x=...". */
export function cursorTime(cursor: string): number | undefined {
  const match = /(?:^|;)t=([0-9a-f]+)(?:;|$)/i.exec(cursor);
  if (!match?.[1]) return undefined;
  const micros = Number.parseInt(match[1], 16);
  return Number.isFinite(micros) && micros > 0 ? Math.floor(micros / 1000) : undefined;
}
