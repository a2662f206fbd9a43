import { parseDuration, type EventEntry, type EventLevel, type RuleEvents } from '@vigil/shared';

/** Timestamps kept per (rule, agent) at most: a log storm cannot grow one series without bound. */
export const EVENT_MATCH_CAP = 10_000;

/** Higher is more severe; a rule's `level` is the least severe level it counts. */
const SEVERITY: Record<EventLevel, number> = { warning: 1, error: 2 };

/**
 * The rule's criteria as one test, the message pattern compiled here once rather than per entry.
 * Every criterion given must hold; log, source and event id compare exactly.
 */
export function eventMatcher(events: RuleEvents): (entry: EventEntry) => boolean {
  const pattern = events.message === undefined ? undefined : new RegExp(events.message);
  const eventId = events.eventId === undefined ? undefined : String(events.eventId);
  const minSeverity = events.level === undefined ? 0 : SEVERITY[events.level];
  return (entry) =>
    (events.log === undefined || entry.log === events.log)
    && SEVERITY[entry.level] >= minSeverity
    && (events.source === undefined || entry.source === events.source)
    && (eventId === undefined || entry.eventId === eventId)
    && (pattern === undefined || pattern.test(entry.message));
}

/**
 * The matches of one (rule, agent) written within the rule's window, oldest first. The window at
 * `at` is (at − window, at]: an entry exactly one window old has aged out. Entries stamped later
 * than `at` (a clock ahead of the frame's) are kept and counted until they age out too.
 */
export class EventMatchWindow {
  private readonly stamps: number[] = [];
  private readonly windowMs: number;

  constructor(window: string) {
    this.windowMs = parseDuration(window);
  }

  /** Adds the matches' timestamps, drops those aged out at `at`, and returns how many remain. */
  record(matchTimestamps: readonly number[], at: number): number {
    const cutoff = at - this.windowMs;
    for (const ts of matchTimestamps) {
      if (ts > cutoff) this.stamps.push(ts);
    }
    // Entries of one frame, or of frames resent out of order, need not be sorted.
    if (matchTimestamps.length > 0) this.stamps.sort((a, b) => a - b);
    let aged = 0;
    while (aged < this.stamps.length && this.stamps[aged]! <= cutoff) aged++;
    const over = Math.max(aged, this.stamps.length - EVENT_MATCH_CAP);
    if (over > 0) this.stamps.splice(0, over);
    return this.stamps.length;
  }

  get size(): number {
    return this.stamps.length;
  }
}
