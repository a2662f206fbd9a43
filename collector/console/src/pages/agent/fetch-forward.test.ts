import { describe, expect, it } from 'vitest';
import { fetchForward } from './fetch-forward.js';

interface Item { ts: number; n: number }

/** A fake API over `items` (sorted by ts): entries with ts >= since, oldest first, at most limit. */
function fakeApi(items: Item[]) {
  const calls: number[] = [];
  const page = async (since: number, limit: number) => {
    calls.push(since);
    return items.filter((i) => i.ts >= since).slice(0, limit);
  };
  return { page, calls };
}

describe('fetchForward', () => {
  it('stops after one page when it is not full', async () => {
    const api = fakeApi([{ ts: 1, n: 1 }, { ts: 2, n: 2 }]);
    expect(await fetchForward(api.page, 0, 10, 5)).toEqual({ items: [{ ts: 1, n: 1 }, { ts: 2, n: 2 }], complete: true });
    expect(api.calls).toEqual([0]);
  });

  it('reads on to the newest entry without losing or repeating those that share a timestamp', async () => {
    // Three samples per frame: a page of 4 always cuts a frame.
    const items = Array.from({ length: 30 }, (_, i) => ({ ts: 100 + Math.floor(i / 3), n: i }));
    const api = fakeApi(items);
    const result = await fetchForward(api.page, 0, 4, 100);
    expect(result.complete).toBe(true);
    expect(result.items.map((i) => i.n)).toEqual(items.map((i) => i.n));
  });

  it('moves past a timestamp that alone fills a page', async () => {
    const items = [...Array.from({ length: 5 }, (_, n) => ({ ts: 7, n })), { ts: 8, n: 5 }];
    const result = await fetchForward(fakeApi(items).page, 0, 5, 10);
    expect(result).toEqual({ items, complete: true });
  });

  it('says so when the pages ran out before the newest entries', async () => {
    const items = Array.from({ length: 100 }, (_, n) => ({ ts: n, n }));
    const result = await fetchForward(fakeApi(items).page, 0, 10, 3);
    expect(result.complete).toBe(false);
    expect(result.items.map((i) => i.n)).toEqual(Array.from({ length: 27 }, (_, n) => n));
  });
});
