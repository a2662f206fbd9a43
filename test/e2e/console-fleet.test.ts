/**
 * The console's Fleet page in a real headless Chromium: two real agents in two sites of a tenant,
 * seen by a viewer with their presence and OS, searched with the filter kept in the URL across a
 * reload, and clicked through to the agent page; then ten thousand synthetic agents, of which only
 * a window is ever in the DOM, refreshed in place, sorted and filtered.
 */
import { generateAgentKeyPair, ROLE_PERMISSIONS, type FleetResponse, type FleetRow, type WhoAmI } from '@vigil/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { ConsoleBrowser, createUsers, HAVE_CHROMIUM, logIn, screenshotPath, warnNoChromium } from '../helpers/browser.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

warnNoChromium('console-fleet');

describe.skipIf(!HAVE_CHROMIUM)('the Fleet page in a real browser', () => {
  const tmp = makeTempDir('console-fleet');
  let collector: TestCollector;
  const agents: Child[] = [];
  let hqAgent: string;
  let branchAgent: string;
  /** Another tenant's agent, enrolled but never run: the tenant's viewer must not see it. */
  let globexAgent: string;
  let browser: ConsoleBrowser;

  const row = (page: Page, agentId: string) => page.locator(`[data-agent-id="${agentId}"]`);

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
    hqAgent = await enrollAgent(collector.url, await collector.enrollToken('acme', 'hq', ['--max-uses', '1', '--tags', 'web']), `${tmp.path}/hq`);
    branchAgent = await enrollAgent(collector.url, await collector.enrollToken('acme', 'branch', ['--max-uses', '1', '--tags', 'db']), `${tmp.path}/branch`);
    agents.push(runAgent(`${tmp.path}/hq`, '1s'), runAgent(`${tmp.path}/branch`, '1s'));
    const enrolled = await collector.api('POST', '/api/v1/agents/enroll', {
      token: await collector.enrollToken('globex', 'hq'), publicKey: generateAgentKeyPair().publicKey, hostname: 'globex-app',
      os: { platform: 'windows', distro: 'Windows Server', release: '2022', arch: 'x64' }, agentVersion: 'test',
    });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    globexAgent = enrolled.body.agentId;
    await createUsers(collector, [['fleet-viewer', 'viewer', ['acme']]]);
    browser = await ConsoleBrowser.launch();
  });

  afterAll(async () => {
    await browser?.close();
    for (const agent of agents) await agent.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('answers GET /api/v1/fleet with the running agents live, and narrows it by tenant, site and presence', async () => {
    const fleet = await waitFor('both running agents online', async () => {
      const { status, body } = await collector.api<FleetResponse>('GET', '/api/v1/fleet');
      expect(status).toBe(200);
      const running = body.agents.filter((a) => a.id === hqAgent || a.id === branchAgent);
      return running.length === 2 && running.every((a) => a.presence === 'online' && a.online) ? body : undefined;
    }, 30_000);
    expect(fleet.agents.find((a) => a.id === globexAgent)).toMatchObject({
      hostname: 'globex-app', tenantId: 'globex', os: { platform: 'windows', distro: 'Windows Server', release: '2022' },
      presence: 'unknown', online: false, lastSeenAt: null, patches: null,
    });
    const hq = fleet.agents.find((a) => a.id === hqAgent);
    expect(hq).toMatchObject({ tenantId: 'acme', siteId: 'hq', tags: ['web'], revokedAt: null, openAlerts: 0, highestPriority: null });
    expect(hq?.os.platform).toBe(process.platform === 'win32' ? 'windows' : process.platform);
    expect(hq?.lastSeenAt).toBeGreaterThan(Date.now() - 60_000);

    const branch = await collector.api<FleetResponse>('GET', '/api/v1/fleet?tenant=acme&site=branch');
    expect(branch.body.agents.map((a) => a.id)).toEqual([branchAgent]);
    expect((await collector.api<FleetResponse>('GET', '/api/v1/fleet?presence=offline')).body.agents).toEqual([]);
    expect((await collector.api<FleetResponse>('GET', '/api/v1/fleet?presence=unknown')).body.agents.map((a) => a.id)).toEqual([globexAgent]);
    expect((await collector.api<FleetResponse>('GET', '/api/v1/fleet?tenant=acme')).body.agents.map((a) => a.id).sort()).toEqual([hqAgent, branchAgent].sort());
    const first = await collector.api<FleetResponse>('GET', '/api/v1/fleet?limit=1');
    expect(first.body).toEqual({ agents: [fleet.agents[0]].map((a) => expect.objectContaining({ id: a!.id })), truncated: true });
    expect(fleet.truncated).toBe(false);
    const refused = await collector.api('GET', '/api/v1/fleet?presence=asleep');
    expect(refused.status).toBe(400);
  });

  it('shows a viewer both agents from the nav, searches with the filter in the URL, keeps it on reload, and opens an agent', async () => {
    const { page, errors } = await browser.open(collector.url);
    await logIn(page, 'fleet-viewer');
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Fleet' }).click();
    await expect.poll(() => page.evaluate('location.pathname')).toBe('/fleet');

    const table = page.getByRole('table', { name: 'Agents' });
    await table.waitFor();
    for (const id of [hqAgent, branchAgent]) {
      await row(page, id).waitFor();
      await expect.poll(() => row(page, id).getAttribute('data-presence')).toBe('online');
      expect(await row(page, id).locator('.fleet-os').getAttribute('data-platform')).toBe(process.platform);
      expect(await row(page, id).locator('.fleet-os').textContent()).toMatch(/^(Linux|macOS|Windows)/);
      expect(await row(page, id).locator('.fleet-seen').textContent()).toMatch(/^\d+ s ago$/);
    }
    expect(await row(page, branchAgent).textContent()).toContain('acme / branch');
    // Tenant acme's viewer: globex's agent is not in the list, nor in the counts.
    await page.getByText('2 of 2 agents').waitFor();
    expect(await row(page, globexAgent).count()).toBe(0);
    expect(await page.locator('[data-count="online"] .big').textContent()).toBe('2');
    // A viewer may look but not act: the page offers no actions.
    expect(await table.getByRole('button').allTextContents()).toEqual(['Host ▲', 'Last seen', 'Patches', 'Alerts']);
    await page.screenshot({ path: screenshotPath('fleet'), fullPage: true });

    await page.getByLabel('Search').fill('branch');
    await expect.poll(() => page.evaluate('location.search')).toBe('?q=branch');
    await row(page, hqAgent).waitFor({ state: 'detached' });
    await row(page, branchAgent).waitFor();
    await page.getByText('1 of 2 agents').waitFor();

    await page.reload();
    await row(page, branchAgent).waitFor();
    expect(await page.getByLabel('Search').inputValue()).toBe('branch');
    await page.getByText('1 of 2 agents').waitFor();
    expect(await row(page, hqAgent).count()).toBe(0);
    // What follows is the agent page's own business (and its own tests'): this page's part ends here.
    expect(errors).toEqual([]);

    await row(page, branchAgent).getByRole('link').click();
    await expect.poll(() => page.evaluate('location.pathname')).toBe(`/agents/${branchAgent}`);
  });

  it('keeps only a window of 10,000 agents in the DOM, refreshes in place, sorts and filters', async () => {
    const now = Date.now();
    const rows: FleetRow[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: `agt_fake${String(i).padStart(5, '0')}`, hostname: `host-${String(i).padStart(5, '0')}`, tenantId: i % 2 ? 'acme' : 'globex', siteId: 'hq',
      os: i % 3 ? { platform: 'linux', distro: 'Debian', release: '12' } : { platform: 'windows', distro: 'Windows Server', release: '2022' },
      tags: i % 5 ? [] : ['db'], presence: i % 4 === 1 ? 'offline' : 'online', online: i % 4 !== 1, lastSeenAt: now - (i % 600) * 1000,
      revokedAt: null, agentVersion: '1.0.0',
      patches: i % 10 === 0 ? null : { pending: i % 13, security: i % 3 === 1 ? 2 : 0, rebootRequired: i % 8 === 0 },
      openAlerts: i % 7 === 0 ? 1 : 0, highestPriority: i % 7 === 0 ? 'P3' : null,
    }));
    const urgent = rows[4242]!;
    Object.assign(urgent, { openAlerts: 9, highestPriority: 'P1' });
    const me: WhoAmI = { user: null, tokenId: 'tok_fake', role: 'viewer', tenants: ['acme', 'globex'], permissions: [...ROLE_PERMISSIONS.viewer] };

    const { page, errors } = await browser.open(collector.url);
    // The collector serves the page; the session and the fleet are stood in for, to control the volume.
    await page.route('**/api/v1/auth/me', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(me) }));
    let fetches = 0;
    await page.route('**/api/v1/fleet', (route) => {
      fetches += 1;
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ agents: rows, truncated: false } satisfies FleetResponse) });
    });
    await page.goto(`${collector.url}/fleet#token=fake-token`);

    await page.getByText('10000 of 10000 agents').waitFor();
    const rendered = page.locator('[data-agent-id]');
    expect(await rendered.count()).toBeGreaterThan(10);
    expect(await rendered.count()).toBeLessThan(100);
    expect(await page.locator('[data-count="offline"] .big').textContent()).toBe('2500');

    // The end of the list, still as a window of rows.
    const table = page.getByRole('table', { name: 'Agents' });
    await table.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await row(page, 'agt_fake09999').waitFor();
    expect(await row(page, 'agt_fake09999').locator('.fleet-host a').textContent()).toBe('host-09999');
    expect(await rendered.count()).toBeLessThan(100);
    expect(await row(page, 'agt_fake00000').count()).toBe(0);

    // The periodic refresh replaces the data, not the scroll position.
    const before = fetches;
    await waitFor('the periodic refresh', () => fetches > before, 30_000);
    await page.waitForTimeout(300);
    await row(page, 'agt_fake09999').waitFor();
    expect(await table.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);

    // Most alerts first, its most urgent priority coloured.
    await table.getByRole('button', { name: 'Alerts', exact: true }).click();
    await expect.poll(() => page.evaluate('location.search')).toBe('?sort=-alerts');
    const first = page.locator('[aria-rowindex="2"]');
    await expect.poll(() => first.getAttribute('data-agent-id')).toBe(urgent.id);
    expect(await first.locator('.fleet-alerts').getAttribute('class')).toContain('fleet-alerts-P1');
    await page.screenshot({ path: screenshotPath('fleet-10k'), fullPage: true });

    // Filters narrow the count; the URL follows.
    await page.getByLabel('Presence').selectOption('offline');
    await page.getByText('2500 of 10000 agents').waitFor();
    await page.getByLabel('Has security patches').check();
    const expected = rows.filter((r) => r.presence === 'offline' && (r.patches?.security ?? 0) > 0).length;
    await page.getByText(`${expected} of 10000 agents`).waitFor();
    expect(new URLSearchParams(await page.evaluate<string>('location.search')).get('presence')).toBe('offline');
    await page.getByLabel('Search').fill('host-09999');
    await page.getByText('0 of 10000 agents').waitFor();
    await page.getByText('No agents match the filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByText('10000 of 10000 agents').waitFor();
    expect(await rendered.count()).toBeLessThan(100);
    expect(errors).toEqual([]);
  });
});
