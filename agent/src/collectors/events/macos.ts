import { describeCommandFailure, runCommand } from '../../os/run-command.js';
import type { CommandRunner } from './journald.js';
import { entriesAfter, type UnifiedLogPosition } from './macos-boundary.js';
import { UNIFIED_LOG, parseUnifiedLog } from './macos-parser.js';
import { FIRST_READ_LOOKBACK_MS, type EventRead, type EventSource, type ReadOptions } from './types.js';

export const UNIFIED_LOG_PREDICATE = 'messageType == error OR messageType == fault';

/** Longest stretch of log read at once, so catching up after days off never outlasts the timeout. */
const WINDOW_MS = 30 * 60 * 1000;
/** Entries are written a moment after their timestamp; an empty read only moves up to this long ago. */
const SETTLE_MS = 5_000;
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/**
 * The macOS unified log through `log show --style ndjson`, from the last timestamp read. `log`
 * has no cursor and no count limit, so the position is a time plus the ids read at that time, and
 * each read covers at most WINDOW_MS.
 */
export class UnifiedLogSource implements EventSource<UnifiedLogPosition> {
  readonly name = 'unifiedlog';

  constructor(
    private readonly run: CommandRunner = runCommand,
    private readonly env?: NodeJS.ProcessEnv,
  ) {}

  parsePosition(saved: unknown): UnifiedLogPosition | undefined {
    if (typeof saved !== 'object' || saved === null) return undefined;
    const { micros, ids } = saved as { micros?: unknown; ids?: unknown };
    if (typeof micros !== 'number' || !Number.isSafeInteger(micros) || micros < 0) return undefined;
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return undefined;
    return { micros, ids: ids as string[] };
  }

  static args(startMs: number, endMs: number | undefined): string[] {
    const args = ['show', '--style', 'ndjson', '--predicate', UNIFIED_LOG_PREDICATE, '--start', localTime(startMs)];
    return endMs === undefined ? args : [...args, '--end', localTime(endMs)];
  }

  async read(from: UnifiedLogPosition | undefined, options: ReadOptions): Promise<EventRead<UnifiedLogPosition>> {
    const startMs = from ? Math.floor(from.micros / 1000) : options.now - FIRST_READ_LOOKBACK_MS;
    // Whole seconds, as `log` reads them, so an empty window can be passed over exactly.
    const endMs = options.now - startMs > WINDOW_MS ? Math.floor((startMs + WINDOW_MS) / 1000) * 1000 : undefined;
    const result = await this.run('log', UnifiedLogSource.args(startMs, endMs), {
      timeoutMs: options.timeoutMs,
      maxOutputBytes: MAX_OUTPUT_BYTES,
      ...(this.env ? { env: this.env } : {}),
    });
    if (result.kind !== 'exited') return { ok: false, reason: result.reason };
    if (result.exitCode !== 0 || result.signal !== null) return { ok: false, reason: describeCommandFailure(result) };

    const parsed = parseUnifiedLog(result.stdout);
    const notes: string[] = [];
    const badLines = parsed.badLines - (result.stdoutTruncated && !result.stdout.endsWith('\n') ? 1 : 0);
    if (badLines > 0) notes.push(`${badLines} line(s) from log show were not JSON and were skipped`);
    if (result.stdoutTruncated) notes.push('log show printed more than is read at once; the rest follows in the next frames');
    const { fresh, position } = entriesAfter(parsed.entries, from, options.limit);
    let next = position;
    if (fresh.length === 0 && !result.stdoutTruncated) {
      // Nothing new up to the end of what was asked: move on, so a quiet log is not re-scanned
      // from an ever older start.
      const reached = (endMs ?? options.now - SETTLE_MS) * 1000;
      if (!from || reached > from.micros) next = { micros: Math.max(reached, 0), ids: [] };
    }
    return { ok: true, entries: fresh.map((e) => e.entry), position: next, logs: [UNIFIED_LOG], failures: [], notes };
  }
}

/** `log show --start` reads "YYYY-MM-DD HH:MM:SS" in the host's time zone, the agent's own. */
function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
