/** One agent's presence: its online/offline changes, oldest first, and when it was watched. */
export interface PresenceHistory {
  /** Changes in time order; the last one at or before `from` gives the state the period starts in. */
  changes: ReadonlyArray<{ online: boolean; at: number }>;
  /** Revoked agents stop counting at revocation. */
  revokedAt: number | null;
}

/**
 * Online and monitored time within [from, to). Time before the agent's first recorded change is
 * not monitored (it had never connected); after it, the agent is online or offline as its latest
 * change says.
 */
export function availability(history: PresenceHistory, from: number, to: number): { onlineMs: number; monitoredMs: number } {
  const end = history.revokedAt === null ? to : Math.min(to, history.revokedAt);
  let onlineMs = 0;
  let monitoredMs = 0;
  let state: boolean | null = null;
  let since = from;
  const account = (until: number): void => {
    const start = Math.max(since, from);
    const stop = Math.min(until, end);
    if (state === null || stop <= start) return;
    monitoredMs += stop - start;
    if (state) onlineMs += stop - start;
  };
  for (const change of history.changes) {
    if (change.at >= end) break;
    account(change.at);
    state = change.online;
    since = change.at;
  }
  account(end);
  return { onlineMs, monitoredMs };
}
