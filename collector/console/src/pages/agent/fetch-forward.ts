/**
 * Reads a time-ordered list that the API serves oldest first and cuts at `limit` (telemetry, event
 * entries) through to its newest entry, a page at a time: a long range at a short interval holds
 * more than one answer, and the newest part is the part a NOC engineer needs.
 */
export interface ForwardResult<T> {
  items: T[];
  /** False when `maxPages` ran out before the list did: the newest entries are missing. */
  complete: boolean;
}

/**
 * `fetchPage(since, limit)` answers the entries with `ts >= since`, oldest first. A full page may
 * have stopped part way through its last timestamp (a frame's samples share one), so that
 * timestamp is dropped and asked for again as the next page's start.
 */
export async function fetchForward<T extends { ts: number }>(
  fetchPage: (since: number, limit: number) => Promise<T[]>,
  since: number,
  pageSize: number,
  maxPages: number,
): Promise<ForwardResult<T>> {
  const items: T[] = [];
  let from = since;
  for (let page = 0; page < maxPages; page++) {
    const batch = await fetchPage(from, pageSize);
    if (batch.length < pageSize) {
      items.push(...batch);
      return { items, complete: true };
    }
    const lastTs = batch[batch.length - 1]!.ts;
    const whole = batch.filter((item) => item.ts < lastTs);
    if (whole.length === 0) {
      // One timestamp fills a page: it cannot be split further, so take it and move past it.
      items.push(...batch);
      from = lastTs + 1;
    } else {
      items.push(...whole);
      from = lastTs;
    }
  }
  return { items, complete: false };
}
