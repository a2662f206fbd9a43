import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { apiRequests, idleFrames, LONG_TASK_RECORDER, longTasks, scrollFrames, timeToFilter, timeToFirstRender, type ListPage } from './page-timings.js';

export interface PageFigures {
  /** Navigation start → the count shows every row and rows are drawn (page, bundle, session check, data, render). */
  firstRenderMs: number;
  /** The API calls made up to the first render (the live alert stream is a WebSocket, not listed). */
  requests: Array<{ path: string; ms: number; bytes: number }>;
  /** Each search typed as one input event → count changed and the next frame painted. */
  filters: Array<{ text: string; ms: number; shown: number; changed: boolean }>;
  scroll: { frames: number; maxFrameMs: number; p95FrameMs: number; rowsInDomMax: number };
  live: { frames: number; maxFrameMs: number };
  longTasks: { count: number; maxMs: number; totalMs: number };
}

/** Opens one list page in a fresh browser context (signed in through the URL fragment) and measures it. */
export async function measurePage(browser: Browser, baseUrl: string, token: string, list: ListPage, expectedRows: number,
  searches: readonly string[], liveMs: number, screenshotDir: string | null): Promise<PageFigures> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    await context.addInitScript(LONG_TASK_RECORDER);
    const page = await context.newPage();
    await page.goto(`${baseUrl}${list.path}#token=${encodeURIComponent(token)}`);
    const firstRenderMs = await timeToFirstRender(page, list, expectedRows, 120_000);
    const requests = await apiRequests(page);
    if (screenshotDir) await page.screenshot({ path: join(screenshotDir, `bench${list.path === '/' ? '-feed' : list.path.replace(/\//g, '-')}.png`) });
    const filters: PageFigures['filters'] = [];
    for (const text of searches) filters.push({ text, ...(await timeToFilter(page, list, text)) });
    const scroll = await scrollFrames(page, list, 40);
    const live = await idleFrames(page, liveMs);
    return { firstRenderMs: round(firstRenderMs), requests, filters: filters.map((f) => ({ ...f, ms: round(f.ms) })), scroll: roundAll(scroll), live: roundAll(live), longTasks: roundAll(await longTasks(page)) };
  } finally {
    await context.close();
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function roundAll<T extends Record<string, number>>(figures: T): T {
  return Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, round(v)])) as T;
}
