import type { Page } from 'playwright-core';

/**
 * Timings taken inside the browser, with the page's own clock (performance.now(), milliseconds
 * since navigation began), so neither the test driver's latency nor its polling is counted.
 * The page code is passed as strings: it runs in the browser, not in Node.
 */

/** Installed before any page script: records every long task (> 50 ms) of the main thread. */
export const LONG_TASK_RECORDER = `
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration }); })
      .observe({ type: 'longtask', buffered: true });
  } catch {}
`;

/** What a list page shows once its data arrived: the CSS selector of the element whose text counts rows. */
export interface ListPage {
  /** Path under the collector, e.g. `/` or `/fleet`. */
  path: string;
  /** Element whose text contains the number of rows shown ("2000 of 2000 alerts"). */
  countSelector: string;
  /** The scrolling list. */
  listSelector: string;
  /** The free-text filter input. */
  searchSelector: string;
  /** A rendered row. */
  rowSelector: string;
}

/** The first number in the count element's text, read in the page. */
const countExpr = (page: ListPage) => `(() => { const t = document.querySelector(${JSON.stringify(page.countSelector)})?.textContent ?? ''; const m = /\\d[\\d,]*/.exec(t); return m ? Number(m[0].replace(/,/g, '')) : -1; })()`;

/**
 * Milliseconds from navigation start until the page shows at least `expected` rows in its count
 * and draws rows. Polled every frame inside the page (an expression, which the console's CSP
 * allows from the driver, unlike a predicate compiled in the page).
 */
export async function timeToFirstRender(page: Page, list: ListPage, expected: number, timeoutMs: number): Promise<number> {
  const at = await page.evaluate(`new Promise((resolve, reject) => {
    const check = () => {
      const n = ${countExpr(list)};
      if (n >= ${expected} && document.querySelector(${JSON.stringify(list.rowSelector)})) return resolve(performance.now());
      if (performance.now() > ${timeoutMs}) return reject(new Error('the page showed ' + n + ' of ${expected} rows'));
      requestAnimationFrame(check);
    };
    check();
  })`);
  return Number(at);
}

/**
 * Types `text` into the search input as one input event and measures until the count changed and
 * the next frame was painted; `settleMs` bounds the wait when the count does not change.
 */
export async function timeToFilter(page: Page, list: ListPage, text: string, settleMs = 5000): Promise<{ ms: number; shown: number; changed: boolean }> {
  return page.evaluate(`(async () => {
    const input = document.querySelector(${JSON.stringify(list.searchSelector)});
    const count = () => ${countExpr(list)};
    const before = count();
    const t0 = performance.now();
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    setter.call(input, ${JSON.stringify(text)});
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((resolve) => {
      const check = () => (count() !== before || performance.now() - t0 > ${settleMs}) ? resolve() : requestAnimationFrame(check);
      requestAnimationFrame(check);
    });
    // Until the frame showing the change has been painted.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return { ms: performance.now() - t0, shown: count(), changed: count() !== before };
  })()`);
}

/** Scrolls the list from top to bottom in viewport-sized steps, one per frame; returns the frame gaps. */
export async function scrollFrames(page: Page, list: ListPage, steps: number): Promise<{ frames: number; maxFrameMs: number; p95FrameMs: number; rowsInDomMax: number }> {
  return page.evaluate(`(async () => {
    const el = document.querySelector(${JSON.stringify(list.listSelector)});
    const gaps = [];
    let rowsInDomMax = 0;
    let last = await new Promise((r) => requestAnimationFrame(r));
    const stride = Math.max(1, (el.scrollHeight - el.clientHeight) / ${steps});
    for (let i = 1; i <= ${steps}; i++) {
      el.scrollTop = Math.min(el.scrollHeight, i * stride);
      const now = await new Promise((r) => requestAnimationFrame(r));
      gaps.push(now - last);
      last = now;
      rowsInDomMax = Math.max(rowsInDomMax, document.querySelectorAll(${JSON.stringify(list.rowSelector)}).length);
    }
    gaps.sort((a, b) => a - b);
    return { frames: gaps.length, maxFrameMs: gaps[gaps.length - 1] ?? 0, p95FrameMs: gaps[Math.floor(gaps.length * 0.95)] ?? 0, rowsInDomMax };
  })()`);
}

/** Watches the frames for `ms` while the page takes live updates: the longest gap between frames. */
export async function idleFrames(page: Page, ms: number): Promise<{ frames: number; maxFrameMs: number }> {
  return page.evaluate(`(async () => {
    const end = performance.now() + ${ms};
    let last = await new Promise((r) => requestAnimationFrame(r));
    let max = 0;
    let frames = 0;
    while (last < end) {
      const now = await new Promise((r) => requestAnimationFrame(r));
      max = Math.max(max, now - last);
      last = now;
      frames++;
    }
    return { frames, maxFrameMs: max };
  })()`);
}

/** Long tasks recorded since the page loaded: how many, the longest, and their total. */
export async function longTasks(page: Page): Promise<{ count: number; maxMs: number; totalMs: number }> {
  const tasks = (await page.evaluate('window.__longTasks ?? []')) as Array<{ duration: number }>;
  return {
    count: tasks.length,
    maxMs: tasks.reduce((m, t) => Math.max(m, t.duration), 0),
    totalMs: tasks.reduce((s, t) => s + t.duration, 0),
  };
}

/** The API requests the page made so far: path, request start to response end, and body bytes. */
export async function apiRequests(page: Page): Promise<Array<{ path: string; ms: number; bytes: number }>> {
  return page.evaluate(`performance.getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname.startsWith('/api/'))
    .map((e) => ({ path: new URL(e.name).pathname, ms: Math.round(e.responseEnd - e.startTime), bytes: e.encodedBodySize }))`);
}
