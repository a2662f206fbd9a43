import type { EventEntry } from '@vigil/shared';

/**
 * Keeps at most `max` entries for the frame, errors before warnings (a burst of warnings must not
 * push out the one error that matters), otherwise the earliest; kept entries stay in log order.
 */
export function capEntries(entries: readonly EventEntry[], max: number): { kept: EventEntry[]; cut: number } {
  if (entries.length <= max) return { kept: [...entries], cut: 0 };
  const chosen = new Set(
    entries
      .map((entry, index) => ({ entry, index }))
      .sort((a, b) => rank(a.entry) - rank(b.entry) || a.index - b.index)
      .slice(0, max)
      .map((item) => item.index),
  );
  return { kept: entries.filter((_, index) => chosen.has(index)), cut: entries.length - max };
}

const rank = (entry: EventEntry) => (entry.level === 'error' ? 0 : 1);
