import type { UnifiedLogEntry } from './macos-parser.js';

/** Where the unified log was read up to: the time of the last entry, and the entries read at that very time. */
export interface UnifiedLogPosition {
  micros: number;
  ids: string[];
}

/**
 * `log show --start` takes whole seconds, so a read from the last position returns again what was
 * logged earlier in that second, including the last entry itself. Pure: keeps only what comes
 * after the position (later time, or the same time and an id not yet read), in time order, at most
 * `limit`, and says where the next read continues.
 */
export function entriesAfter(
  entries: readonly UnifiedLogEntry[],
  from: UnifiedLogPosition | undefined,
  limit: number,
): { fresh: UnifiedLogEntry[]; position: UnifiedLogPosition | undefined } {
  const seen = new Set(from?.ids ?? []);
  const fresh = entries
    .filter((e) => !from || e.micros > from.micros || (e.micros === from.micros && !seen.has(e.entry.id)))
    .sort((a, b) => a.micros - b.micros)
    .slice(0, limit);
  const last = fresh.at(-1);
  if (!last) return { fresh, position: from };
  const atLast = fresh.filter((e) => e.micros === last.micros).map((e) => e.entry.id);
  // Still at the old boundary time: the ids read there before stay excluded too.
  const ids = from && from.micros === last.micros ? [...from.ids, ...atLast] : atLast;
  return { fresh, position: { micros: last.micros, ids: [...new Set(ids)] } };
}
