/**
 * The web console in a real headless Chromium against a real collector and agent: the login
 * page, the live alert feed receiving an alert opened after the page loaded, acknowledging it with
 * a comment from its row, and a viewer who gets no action buttons.
 */
import type { Page } from 'playwright-core';
import type { Alert, WhoAmI } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { ConsoleBrowser, createUsers, HAVE_CHROMIUM, logIn as logInAs, screenshotPath, warnNoChromium } from '../helpers/browser.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

warnNoChromium('console-feed');

describe.skipIf(!HAVE_CHROMIUM)('the web console in a real browser', () => {
  const tmp = makeTempDir('console');
  let collector: TestCollector;
  let agent: Child;
  let browser: ConsoleBrowser;

  async function openPage(): Promise<Page> {
    const { page } = await browser.open(collector.url);
    return page;
  }

  async function logIn(page: Page, username: string): Promise<void> {
    await logInAs(page, username);
    await page.locator('.status[data-status="live"]').waitFor();
  }

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
    const token = await collector.enrollToken('acme', 'hq', ['--max-uses', '1']);
    await enrollAgent(collector.url, token, `${tmp.path}/agent`);
    agent = runAgent(`${tmp.path}/agent`, '1s');
    await createUsers(collector, [['noc-tech', 'technician', ['acme']], ['noc-viewer', 'viewer', ['acme']]]);
    browser = await ConsoleBrowser.launch();
  });

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('serves the built page and bundle with a strict CSP and cache headers', async () => {
    const index = await fetch(`${collector.url}/`);
    expect(index.status).toBe(200);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await index.text();
    const script = /src="(\/assets\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${collector.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${collector.url}/assets/..%2Fconsole%2Fbuild-console.js`)).status).toBe(404);
  });

  it('logs in, shows an alert opened after the page loaded, and acknowledges it from its row', async () => {
    const page = await openPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // The refused login's 401 is logged by the browser as a failed resource; anything else is a fault.
    page.on('console', (message) => { if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text()); });

    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Username').fill('noc-tech');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('.form-error').textContent()).toMatch(/\S/);
    await page.screenshot({ path: screenshotPath('login') });

    await logIn(page, 'noc-tech');
    expect(await page.evaluate("sessionStorage.getItem('vigil.token')")).toMatch(/\S/);
    await page.getByText('No open alerts.').waitFor();

    const rule = await collector.api('POST', '/api/v1/rules', { name: 'Console CPU seen', metric: 'cpu.usage_pct', op: '>=', threshold: 0, priority: 'P1', forSamples: 1, scope: { tenant: 'acme' } });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);

    const row = page.locator('.row', { hasText: 'Console CPU seen' });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getAttribute('data-state')).toBe('open');
    expect(await row.locator('.pri').textContent()).toBe('P1');

    await row.getByRole('button', { name: 'Ack' }).click();
    await page.getByLabel('Comment').fill('looking into it');
    await page.locator('.action-bar').getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('acknowledged');
    await row.getByText('looking into it').waitFor();
    expect(await row.getByRole('button', { name: 'Ack' }).count()).toBe(0);

    const alertId = await row.getAttribute('data-alert-id');
    const stored = await waitFor('the acknowledgement stored', async () => {
      const { body } = await collector.api('GET', `/api/v1/alerts/${alertId}`);
      return body?.state === 'acknowledged' ? body : undefined;
    });
    expect(stored.acknowledgedBy).toContain('noc-tech');
    expect(stored.comment).toBe('looking into it');

    // Filters live in the URL query.
    await page.getByLabel('Priority').selectOption('P2');
    await expect.poll(() => page.evaluate('location.search')).toBe('?priority=P2');
    await page.getByText('No alerts match the filters.').waitFor();
    await page.getByLabel('Priority').selectOption('');
    await row.waitFor();

    await page.screenshot({ path: screenshotPath('feed') });
    expect(errors).toEqual([]);
  });

  it('shows a viewer the feed without acknowledge or resolve buttons', async () => {
    const page = await openPage();
    await logIn(page, 'noc-viewer');
    const row = page.locator('.row', { hasText: 'Console CPU seen' });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getByRole('button').count()).toBe(0);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate("sessionStorage.getItem('vigil.token')")).toBeNull();
  });

  it('takes a token from the URL fragment and works from the keyboard', async () => {
    const { page } = await browser.blank();
    // Narrowed to this test's alert: another one opening meanwhile (an agent slow under load counted
    // offline) would otherwise be the newest row, and j would select it.
    await page.goto(`${collector.url}/?q=Console%20keyboard#token=${collector.adminToken}`);
    await page.locator('.status[data-status="live"]').waitFor();
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.evaluate("sessionStorage.getItem('vigil.token')")).toBe(collector.adminToken);

    const rule = await collector.api('POST', '/api/v1/rules', { name: 'Console keyboard', metric: 'cpu.usage_pct', op: '>=', threshold: 0, priority: 'P2', forSamples: 1, scope: { tenant: 'acme' } });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const row = page.locator('.row', { hasText: 'Console keyboard' });
    await row.waitFor({ timeout: 30_000 });

    // The only row, so j selects it.
    await page.keyboard.press('j');
    await page.locator('.row.selected', { hasText: 'Console keyboard' }).waitFor();
    await page.keyboard.press('r');
    await page.locator('form.action-bar', { hasText: 'Resolve' }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('form.action-bar').waitFor({ state: 'detached' });
    await page.keyboard.press('a');
    await page.getByLabel('Comment').fill('keyboard ack');
    await page.keyboard.press('Enter');
    await expect.poll(() => row.getAttribute('data-state')).toBe('acknowledged');
  });

  it('windows 2,000 alerts, colours SLA clocks, reconnects, and badges new P1s while hidden', async () => {
    // The collector serves the page; the session and the stream are stood in for, to control time and volume.
    const now = Date.now();
    const fake = (i: number, extra: Partial<Alert> = {}): Alert => ({
      id: `alr_fake${String(i).padStart(5, '0')}`, ruleId: 'rul_fake', ruleName: `Synthetic ${i}`, agentId: 'agt_fake', hostname: `host-${i}`,
      tenantId: i % 2 ? 'acme' : 'globex', siteId: 'hq', metric: 'cpu.usage_pct', labels: {}, op: '>=', threshold: 90,
      priority: (['P1', 'P2', 'P3', 'P4'] as const)[i % 4]!, state: 'open', openValue: 95, value: 95,
      openedAt: now - 60_000 - i * 1000, updatedAt: now, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null,
      comment: null, occurrences: 1, flapping: false, ackExpiresAt: null, maintenanceWindowId: null,
      respondBy: now + 3_600_000, resolveBy: now + 4 * 3_600_000, respondBreachedAt: null, resolveBreachedAt: null,
      escalationLevel: 1, escalatedAt: null, suppressedBy: null, ...extra,
    });
    const alerts = Array.from({ length: 2000 }, (_, i) => fake(i));
    // The newest two: one nearly out of respond time, one breached and flapping, suppressed, in maintenance.
    alerts[1] = fake(1, { openedAt: now - 150_000, respondBy: now - 500, respondBreachedAt: now - 500, ruleName: 'Overdue', flapping: true, suppressedBy: 'alr_offline', maintenanceWindowId: 'mw_1' });
    // 10 s left of 110 s: under a quarter, amber.
    alerts[0] = fake(0, { openedAt: now - 100_000, respondBy: now + 10_000, ruleName: 'Nearly due' });
    for (let i = 2; i < alerts.length; i++) alerts[i]!.openedAt = now - 200_000 - i * 1000;

    const me: WhoAmI = { user: null, tokenId: 'tok_fake', role: 'technician', tenants: ['acme', 'globex'], permissions: ['alerts:read', 'alerts:act'] };
    const { page } = await browser.blank();
    await page.route('**/api/v1/auth/me', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(me) }));
    let connections = 0;
    let stream: { send(message: string): void } | undefined;
    await page.routeWebSocket(/\/api\/v1\/alerts\/stream/, (ws) => {
      connections += 1;
      stream = ws;
      if (connections === 1) {
        ws.send(JSON.stringify({ type: 'snapshot', alerts: alerts.slice(0, 10) }));
        setTimeout(() => ws.close({ code: 1011, reason: 'collector restarting' }), 300);
      } else {
        ws.send(JSON.stringify({ type: 'snapshot', alerts }));
      }
    });
    await page.goto(`${collector.url}/#token=fake-token`);

    // The first stream drops; the page says so and reconnects on its own.
    await page.locator('.status', { hasText: 'retrying' }).waitFor();
    await page.locator('.status[data-status="live"]').waitFor({ timeout: 10_000 });
    await page.getByText('2000 of 2000 alerts').waitFor();
    expect(connections).toBe(2);
    const rendered = await page.locator('.row').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(80);

    const nearlyDue = page.locator('.row', { hasText: 'Nearly due' });
    await nearlyDue.locator('.clock-warn').waitFor();
    const overdue = page.locator('.row', { hasText: 'Overdue' });
    await overdue.locator('.clock-breached').waitFor();
    for (const tag of ['flapping', 'suppressed', 'maintenance']) await overdue.locator(`.tag-${tag}`).waitFor();
    // The countdown ticks without a new message.
    const before = await nearlyDue.locator('.clock').first().textContent();
    await expect.poll(() => nearlyDue.locator('.clock').first().textContent(), { timeout: 3000 }).not.toBe(before);

    // Scrolling to the end renders the oldest alert, still only a window of rows.
    await page.locator('.rows').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await page.locator('.row', { hasText: 'Synthetic 1999' }).waitFor();
    expect(await page.locator('.row').count()).toBeLessThan(80);

    // Filters: the query string follows, and a reload keeps them.
    await page.getByLabel('Search').fill('host-1999');
    await expect.poll(() => page.evaluate('location.search')).toBe('?q=host-1999');
    await page.getByText('1 of 2000 alerts').waitFor();
    await page.reload();
    await page.getByText('1 of 2000 alerts').waitFor();
    expect(await page.getByLabel('Search').inputValue()).toBe('host-1999');

    // Grouped by priority: a header per priority, P1 first, kept in the URL; a collapsed group keeps only its header.
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Group by').selectOption('priority');
    await expect.poll(() => page.evaluate('location.search')).toBe('?group=priority');
    const p1 = page.locator('.group-row[data-group="P1"]');
    await p1.getByText('500 alerts').waitFor();
    await p1.getByRole('button').click();
    expect(await p1.getByRole('button').getAttribute('aria-expanded')).toBe('false');
    await page.locator('.group-row[data-group="P2"]').waitFor();
    // j skips the headers: the first alert row selected is the newest P2.
    await page.evaluate('document.activeElement?.blur()');
    await page.keyboard.press('j');
    await page.locator('.row.selected', { hasText: 'Overdue' }).waitFor();
    // Filtered by site, the tenant's site list narrows; both survive a reload.
    await page.getByLabel('Tenant').selectOption('globex');
    await page.getByLabel('Site').selectOption('globex/hq');
    await page.getByText('1000 of 2000 alerts').waitFor();
    await page.reload();
    await page.getByText('1000 of 2000 alerts').waitFor();
    expect(await page.getByLabel('Group by').inputValue()).toBe('priority');
    await page.getByLabel('Group by').selectOption('');
    await page.getByLabel('Tenant').selectOption('');

    // A P1 opened while the tab is hidden counts in the title until the tab is seen again.
    await page.evaluate("Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })");
    stream!.send(JSON.stringify({ type: 'alert.opened', alert: fake(5000, { priority: 'P1', openedAt: Date.now() }) }));
    await expect.poll(() => page.title()).toBe('(1) Vigil — alerts');
    await page.evaluate("Object.defineProperty(document, 'hidden', { configurable: true, get: () => false }); document.dispatchEvent(new Event('visibilitychange'))");
    await expect.poll(() => page.title()).toBe('Vigil — alerts');
  });
});
