import type { EventEntry } from '@vigil/shared';

/** What one read of an event log produced. */
export type EventRead<P> =
  | {
      ok: true;
      /** New entries in log order, already past the previous position. */
      entries: EventEntry[];
      /** Where the next read continues: just after the last entry returned (undefined: no entry seen yet). */
      position: P | undefined;
      /** Logs read successfully: their counts are true (a zero is a real zero). */
      logs: string[];
      /** Logs that could not be read, with why; their counts are left out rather than reported as 0. */
      failures: string[];
      /** Worth saying but not a failure (a cursor that was rejected and replaced, lines skipped). */
      notes: string[];
    }
  | { ok: false; reason: string };

export interface ReadOptions {
  /** Entries to read at most per log in one go; the rest waits for the next read. */
  limit: number;
  /** Time the OS tool may take before it is killed. */
  timeoutMs: number;
  /** Now, Unix epoch milliseconds: where a first read starts from (an hour back). */
  now: number;
}

/**
 * One OS event log (journald, the Windows Event Log, the macOS unified log), read from a position.
 * The position is plain JSON so it can be saved as it is; `parsePosition` checks a saved one.
 */
export interface EventSource<P> {
  /** Key of the saved position, e.g. `journald`. */
  readonly name: string;
  parsePosition(saved: unknown): P | undefined;
  read(from: P | undefined, options: ReadOptions): Promise<EventRead<P>>;
}

/** How far back a first read (no saved position) goes. */
export const FIRST_READ_LOOKBACK_MS = 60 * 60 * 1000;
