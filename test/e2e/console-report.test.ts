/**
 * The KPI report page in a real headless Chromium against a real collector and agent: a viewer
 * opens Reports, picks the tenant and the last 7 days, and reads the figures the KPI API gives
 * for the same tenant and period, in cards, a table and charts; the choice survives a reload; the
 * page prints (print media, a PDF). An owner gets "All tenants", and bad custom dates are named.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Alert, KpiReport } from '@vigil/shared';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { ConsoleBrowser, createUsers, HAVE_CHROMIUM, logIn, screenshotPath, SCREENSHOTS, warnNoChromium } from '../helpers/browser.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

warnNoChromium('console-report');

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

/**
 * Reads a percentage the page shows ("99.9%", or "—" for none) and checks it against the API's
 * value: the page cuts to one decimal, so it may be up to 0.1 below, never above.
 */
function expectPercent(shown: string | null, value: number | null): void {
  if (value === null) {
    expect(shown).toBe('—');
    return;
  }
  expect(shown).toMatch(/^\d+(\.\d)?%$/);
  const number = Number.parseFloat(shown!);
  expect(number).toBeLessThanOrEqual(value);
  expect(value - number).toBeLessThan(0.1 + 1e-9);
}

const UNIT_MS: Record<string, number> = { s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Reads a duration the page shows ("4 min 12 s", "< 1 s", "—") and checks it against milliseconds, to its last unit. */
function expectDuration(shown: string | null, ms: number | null): void {
  if (ms === null) {
    expect(shown).toBe('—');
    return;
  }
  if (shown === '< 1 s') {
    expect(ms).toBeLessThan(500);
    return;
  }
  const parts = [...(shown ?? '').matchAll(/(\d+) (d|h|min|s)/g)];
  expect(parts.length, `a duration: ${shown}`).toBeGreaterThan(0);
  const read = parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit!]!, 0);
  const lastUnit = UNIT_MS[parts[parts.length - 1]![2]!]!;
  // Rounded to the second, then cut to two units: off by at most one of the last unit shown.
  expect(Math.abs(ms - read)).toBeLessThanOrEqual(lastUnit);
}

async function text(locator: Locator): Promise<string | null> {
  return (await locator.textContent())?.trim() ?? null;
}

describe.skipIf(!HAVE_CHROMIUM)('the KPI report page in a real browser', () => {
  const tmp = makeTempDir('console-report');
  let collector: TestCollector;
  let agent: Child;
  let browser: ConsoleBrowser;

  async function openPage(): Promise<{ page: Page; errors: string[] }> {
    const { page, errors } = await browser.open(collector.url);
    return { page, errors };
  }

  /** The report on screen once it shows the answer for the current choice. */
  async function settledReport(page: Page): Promise<Locator> {
    const report = page.locator('article.report[aria-busy="false"]');
    await report.waitFor();
    return report;
  }

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
    const agentId = await enrollAgent(collector.url, await collector.enrollToken('acme', 'hq', ['--max-uses', '1']), `${tmp.path}/agent`);
    agent = runAgent(`${tmp.path}/agent`, '1s');
    await waitFor('the agent streaming', async () => (await collector.api('GET', `/api/v1/agents/${agentId}`)).body?.lastSeq > 1);
    await createUsers(collector, [['qbr-viewer', 'viewer', ['acme']]]);

    // Real alerts from real telemetry: rules that fire at once, one P1 from cpu and one P3 from memory.
    const cpu = await collector.api('POST', '/api/v1/rules', { name: 'QBR CPU seen', metric: 'cpu.usage_pct', op: '>=', threshold: 0, priority: 'P1', forSamples: 1, scope: { tenant: 'acme' } });
    const mem = await collector.api('POST', '/api/v1/rules', { name: 'QBR memory seen', metric: 'mem.used_pct', op: '>=', threshold: 0, priority: 'P3', forSamples: 1, scope: { tenant: 'acme' } });
    expect([cpu.status, mem.status], JSON.stringify([cpu.body, mem.body])).toEqual([201, 201]);
    const alertOf = async (ruleId: string): Promise<Alert | undefined> =>
      ((await collector.api('GET', '/api/v1/alerts?tenant=acme')).body.alerts as Alert[]).find((a) => a.ruleId === ruleId);
    const cpuAlert = await waitFor('the cpu alert', () => alertOf(cpu.body.id), 30_000);
    await waitFor('the memory alert', () => alertOf(mem.body.id), 30_000);

    // Acknowledged and resolved by hand a moment apart, so that MTTA and MTTR have samples.
    await new Promise((r) => setTimeout(r, 1200));
    expect((await collector.api('POST', `/api/v1/alerts/${cpuAlert.id}/ack`, { comment: 'on it' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1200));
    expect((await collector.api('POST', `/api/v1/alerts/${cpuAlert.id}/resolve`, {})).status).toBe(200);
    // Disabling closes what is still open, so the figures stop moving before the page reads them.
    for (const rule of [cpu, mem]) expect((await collector.api('PATCH', `/api/v1/rules/${rule.body.id}`, { enabled: false })).status).toBe(200);

    browser = await ConsoleBrowser.launch();
  });

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('shows a viewer the figures the KPI API gives, keeps the choice on reload, and prints', async () => {
    const { page, errors } = await openPage();
    await logIn(page, 'qbr-viewer');
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Reports' }).click();
    await expect.poll(() => page.evaluate('location.pathname')).toBe('/reports');
    await settledReport(page);

    await page.getByLabel('Tenant', { exact: true }).selectOption('acme');
    const answered = page.waitForResponse((res) => {
      const url = new URL(res.url());
      return url.pathname === '/api/v1/reports/kpi' && url.searchParams.get('tenant') === 'acme'
        && Number(url.searchParams.get('to')) - Number(url.searchParams.get('from')) === WEEK_MS;
    });
    await page.getByLabel('Period', { exact: true }).selectOption('7d');
    const asked = new URL((await answered).url());
    await expect.poll(() => page.evaluate('location.search')).toBe('?tenant=acme&period=7d');
    const from = asked.searchParams.get('from')!;
    const to = asked.searchParams.get('to')!;
    const report = page.locator('article.report');
    await expect.poll(async () => [await report.getAttribute('aria-busy'), await report.getAttribute('data-from'), await report.getAttribute('data-to')]).toEqual(['false', from, to]);
    expect(await report.getAttribute('data-tenant')).toBe('acme');

    // The same question asked of the API directly, with the viewer's own session.
    const token = await page.evaluate("sessionStorage.getItem('vigil.token')");
    const res = await fetch(`${collector.url}/api/v1/reports/kpi?tenant=acme&from=${from}&to=${to}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const kpi = (await res.json()) as KpiReport;
    expect(kpi.alerts.total).toBeGreaterThanOrEqual(2);
    expect(kpi.byPriority.P1.meanTimeToAcknowledgeMs).toBeGreaterThan(0);
    expect(kpi.byPriority.P1.meanTimeToResolveMs).toBeGreaterThan(0);
    expect(kpi.alerts.bySource).toMatchObject({ cpu: expect.any(Number), mem: expect.any(Number) });

    // The title block names the tenant and the period.
    await report.getByRole('heading', { level: 2, name: /acme/ }).waitFor();
    expect(await text(report.locator('[data-field="period"]'))).toMatch(/last 7 days/);

    // KPI cards: the exact value in data-value, the written one to the page's precision.
    const cards: Array<[string, number | null]> = [
      ['sla', kpi.slaCompliancePct], ['availability', kpi.agentAvailabilityPct], ['patch', kpi.patchCompliancePct], ['auto-remediated', kpi.autoRemediatedPct],
    ];
    for (const [name, value] of cards) {
      const card = report.locator(`[data-kpi="${name}"]`);
      expect(await card.getAttribute('data-value'), name).toBe(value === null ? '' : String(value));
      expectPercent(await text(card.locator('.big')), value);
      expect(await text(card.locator('.badge')), name).toMatch(value === null ? /^No data$/ : /target/i);
    }
    expect(await text(report.locator('[data-kpi="alerts"] .big'))).toBe(String(kpi.alerts.total));

    // The table: one row per priority, and the totals.
    for (const p of PRIORITIES) {
      const row = report.locator(`tr[data-priority="${p}"]`);
      const want = kpi.byPriority[p];
      expect(await text(row.locator('[data-col="alerts"]')), p).toBe(String(want.alerts));
      expectDuration(await text(row.locator('[data-col="mtta"]')), want.meanTimeToAcknowledgeMs);
      expectDuration(await text(row.locator('[data-col="mttr"]')), want.meanTimeToResolveMs);
      expectPercent(await text(row.locator('[data-col="sla-met"]')), want.slaCompliancePct);
    }
    const totals = report.locator('tr[data-priority="all"]');
    expect(await text(totals.locator('[data-col="alerts"]'))).toBe(String(kpi.alerts.total));
    expectPercent(await text(totals.locator('[data-col="sla-met"]')), kpi.slaCompliancePct);

    // Charts: labelled with their figures, a bar per category, drawn only for what happened.
    const byPriority = report.locator('[data-chart="alerts-by-priority"]');
    const priorityLabel = await byPriority.getAttribute('aria-label');
    for (const p of PRIORITIES) expect(priorityLabel).toContain(`${p} ${kpi.alerts.byPriority[p]}`);
    const priorityBars = byPriority.locator('rect.chart-bar');
    expect(await priorityBars.count()).toBe(4);
    for (const [i, p] of PRIORITIES.entries()) {
      const height = Number(await priorityBars.nth(i).getAttribute('height'));
      if (kpi.alerts.byPriority[p]! > 0) expect(height, p).toBeGreaterThan(0);
      else expect(height, p).toBe(0);
    }
    const bySource = report.locator('[data-chart="alerts-by-source"]');
    expect(await bySource.locator('rect.chart-bar').count()).toBe(Object.keys(kpi.alerts.bySource).length);
    for (const [source, count] of Object.entries(kpi.alerts.bySource)) expect(await bySource.getAttribute('aria-label')).toContain(`${source} ${count}`);
    const times = report.locator('[data-chart="response-times"]');
    expect(await times.getAttribute('aria-label')).toMatch(/^MTTA and MTTR by priority: P1 MTTA \d/);
    expect(await times.locator('.chart-legend li').allTextContents()).toEqual(['MTTA, mean time to acknowledge', 'MTTR, mean time to resolve']);
    // Read-only for a viewer: the only buttons are printing and logging out.
    expect(await page.getByRole('button').allTextContents()).toEqual(['Log out', 'Print']);

    // The choice lives in the URL: a reload asks the same question again.
    await page.reload();
    await settledReport(page);
    expect(await page.evaluate('location.search')).toBe('?tenant=acme&period=7d');
    expect(await page.getByLabel('Tenant', { exact: true }).inputValue()).toBe('acme');
    expect(await page.getByLabel('Period', { exact: true }).inputValue()).toBe('7d');
    const reloaded = page.locator('article.report');
    expect(Number(await reloaded.getAttribute('data-to')) - Number(await reloaded.getAttribute('data-from'))).toBe(WEEK_MS);
    expect(await text(reloaded.locator('[data-kpi="alerts"] .big'))).toBe(String(kpi.alerts.total));

    // The whole page on screen: the console scrolls inside .page, so the viewport grows to fit it.
    const tall = await page.evaluate("document.querySelector('.top').offsetHeight + document.querySelector('.page').scrollHeight");
    await page.setViewportSize({ width: 1440, height: Math.max(900, Number(tall)) });
    await page.screenshot({ path: screenshotPath('report'), fullPage: true });
    // About the printable width of A4 (210 mm less the margins), so that the print screenshot shows the paper's layout.
    await page.setViewportSize({ width: 720, height: 1000 });

    // Print: the console's chrome and the controls go, the title block stays, the paper is white.
    await page.emulateMedia({ media: 'print' });
    await expect.poll(() => page.locator('.top').isVisible()).toBe(false);
    expect(await page.locator('.report-controls').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
    expect(await page.locator('.report-title').isVisible()).toBe(true);
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(255, 255, 255)');
    expect(await page.evaluate("getComputedStyle(document.querySelector('.card')).breakInside")).toBe('avoid');
    expect(await page.evaluate("getComputedStyle(document.querySelector('.chart')).breakInside")).toBe('avoid');
    await page.screenshot({ path: screenshotPath('report-print'), fullPage: true });

    const pdf = join(SCREENSHOTS, 'report.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    expect(statSync(pdf).size).toBeGreaterThan(10_000);
    expect(readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.emulateMedia({ media: 'screen' });

    expect(errors).toEqual([]);
  });

  it('offers an owner every tenant together and names bad custom dates', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${collector.url}/reports#token=${collector.adminToken}`);
    const report = await settledReport(page);
    expect(await page.getByLabel('Tenant', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Tenant', { exact: true }).locator('option').first().textContent()).toBe('All tenants');
    expect(await report.getAttribute('data-tenant')).toBe('');
    await report.getByRole('heading', { level: 2, name: 'All tenants' }).waitFor();

    // Custom dates start as the days of the period shown; a last day before the first is refused.
    await page.getByLabel('Period', { exact: true }).selectOption('custom');
    expect(await page.getByLabel('From', { exact: true }).inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.getByLabel('From', { exact: true }).fill('2025-03-10');
    await page.getByLabel('To', { exact: true }).fill('2025-03-09');
    await page.getByRole('alert').filter({ hasText: 'the last day comes before the first' }).waitFor();
    expect(await page.locator('article.report').count()).toBe(0);
    await page.getByLabel('To', { exact: true }).fill('2025-03-31');
    const custom = await settledReport(page);
    await expect.poll(() => page.evaluate('location.search')).toBe('?period=custom&from=2025-03-10&to=2025-03-31');
    expect(await text(custom.locator('[data-field="period"]'))).toMatch(/2025.*2025 \(custom dates\)$/);
    expect(await text(custom.locator('[data-kpi="alerts"] .big'))).toBe('0');
    expect(await custom.locator('[data-chart="alerts-by-source"]').getAttribute('aria-label')).toBe('Alerts by source: none');

    expect(errors).toEqual([]);
  });
});
