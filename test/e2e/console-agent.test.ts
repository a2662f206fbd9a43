/**
 * The agent page in a real headless Chromium against a real collector and a real agent sending
 * telemetry every second: charts drawn by uPlot from that telemetry (with no CSP violation), the
 * range switch, the reported sections, the alert history with resolved alerts, running a script
 * with parameters and seeing its output and exit code, watching a slow script's output grow while
 * it runs, the job history, and a viewer who gets no way to run anything.
 */
import type { Page } from 'playwright-core';
import type { Alert, JobList } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { ConsoleBrowser, createUsers, HAVE_CHROMIUM, logIn, screenshotPath, warnNoChromium } from '../helpers/browser.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

warnNoChromium('console-agent');

/** Records every CSP violation on every page load of the context, for the test to read back. */
const WATCH_CSP = `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`;

describe.skipIf(!HAVE_CHROMIUM)('the agent page in a real browser', () => {
  const tmp = makeTempDir('console-agent');
  let collector: TestCollector;
  let agent: Child;
  let agentId: string;
  let hostname: string;
  let browser: ConsoleBrowser;

  /** A logged-in page on the agent page, with its error list and CSP violations watched. */
  async function openAgentPage(username: string, path = `/agents/${agentId}`): Promise<{ page: Page; errors: string[] }> {
    const { page, context, errors } = await browser.open(collector.url);
    await logIn(page, username);
    await context.addInitScript(WATCH_CSP);
    await page.goto(`${collector.url}${path}`);
    return { page, errors };
  }

  const cspViolations = (page: Page) => page.evaluate('window.__cspViolations') as Promise<string[]>;
  const chart = (page: Page, metric: string) => page.locator(`figure.chart[data-metric~="${metric}"]`);

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
    const token = await collector.enrollToken('acme', 'hq', ['--tags', 'web,linux', '--max-uses', '1']);
    agentId = await enrollAgent(collector.url, token, `${tmp.path}/agent`);
    // Development mode: the agent runs the unsigned scripts a loopback collector sends.
    agent = runAgent(`${tmp.path}/agent`, '1s', { allowUnsigned: true });
    await createUsers(collector, [['agent-tech', 'technician', ['acme']], ['agent-viewer', 'viewer', ['acme']]]);

    // Two scripts: a plain one, and one declaring parameters (an unsigned manifest may declare them too).
    const hello = await collector.api('POST', '/api/v1/scripts', {
      name: 'Console hello', shell: 'sh', body: 'echo hello-from-console\necho "a warning" >&2\n', os: ['linux'],
    });
    expect(hello.status, JSON.stringify(hello.body)).toBe(201);
    const greet = await collector.api('POST', '/api/v1/scripts', {
      tenant: 'acme',
      signature: null,
      manifest: {
        kind: 'vigil.script', name: 'Console greet', version: 1, shell: 'sh', body: 'echo "greeting $1 x$2"\n', os: ['linux'],
        params: [
          { name: 'who', type: 'string', required: true, pattern: '[a-z]+', description: 'whom to greet' },
          { name: 'times', type: 'integer', min: 1, max: 3, default: 1 },
        ],
      },
    });
    expect(greet.status, JSON.stringify(greet.body)).toBe(201);
    const guarded = await collector.api('POST', '/api/v1/scripts', {
      name: 'Console guarded', shell: 'sh', body: 'echo approved-and-ran\n', os: ['linux'], tenant: 'acme', requiresApproval: true,
    });
    expect(guarded.status, JSON.stringify(guarded.body)).toBe(201);

    // Alert history: one alert resolved (its rule raised out of reach) and one still open.
    const passing = await collector.api('POST', '/api/v1/rules', { name: 'Agent page CPU seen', metric: 'cpu.usage_pct', op: '>=', threshold: 0, priority: 'P3', forSamples: 1, scope: { tenant: 'acme' } });
    expect(passing.status, JSON.stringify(passing.body)).toBe(201);
    await waitFor('the first alert open', async () => {
      const { body } = await collector.api('GET', `/api/v1/alerts?agentId=${agentId}`);
      return (body.alerts as Alert[]).some((a) => a.ruleId === passing.body.id && a.state === 'open');
    }, 30_000);
    const raised = await collector.api('PATCH', `/api/v1/rules/${passing.body.id}`, { threshold: 1000 });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    await waitFor('the first alert resolved', async () => {
      const { body } = await collector.api('GET', `/api/v1/alerts?agentId=${agentId}`);
      return (body.alerts as Alert[]).some((a) => a.ruleId === passing.body.id && a.state === 'resolved');
    }, 30_000);
    const open = await collector.api('POST', '/api/v1/rules', { name: 'Agent page memory seen', metric: 'mem.used_pct', op: '>=', threshold: 0, priority: 'P2', forSamples: 1, scope: { tenant: 'acme' } });
    expect(open.status, JSON.stringify(open.body)).toBe(201);

    const detail = await waitFor('a few frames stored', async () => {
      const { body } = await collector.api('GET', `/api/v1/agents/${agentId}`);
      return body.lastSeq >= 3 ? body : undefined;
    }, 30_000);
    hostname = detail.hostname;
    browser = await ConsoleBrowser.launch();
  });

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('draws the telemetry charts, switches range, and shows the reported sections and alert history', async () => {
    const { page, errors } = await openAgentPage('agent-tech');
    await page.getByRole('heading', { name: hostname, level: 2 }).waitFor();
    expect(await page.locator('[data-presence]').textContent()).toBe('online');
    await page.getByText('acme / hq').waitFor();

    // uPlot draws the CPU chart into a canvas, from at least two real samples.
    const cpu = chart(page, 'cpu.usage_pct');
    await cpu.locator('canvas').waitFor();
    await expect.poll(async () => Number(await cpu.getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    expect(await cpu.getAttribute('aria-label')).toBe('CPU over the last 1 h');
    for (const metric of ['mem.used_pct', 'disk.used_pct', 'net.rx_bps', 'disk.read_bps']) await chart(page, metric).waitFor();
    await chart(page, 'disk.used_pct').locator('canvas').waitFor();
    // The disk chart names its series by mount.
    await chart(page, 'disk.used_pct').locator('.u-legend').getByText('/', { exact: true }).waitFor();

    await page.getByRole('group', { name: 'Chart range' }).getByRole('button', { name: '6 h' }).click();
    await expect.poll(() => cpu.getAttribute('aria-label')).toBe('CPU over the last 6 h');
    await expect.poll(() => page.evaluate('location.search')).toBe('?range=6h&tab=patches');
    await expect.poll(async () => Number(await cpu.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('button', { name: '6 h' }).getAttribute('aria-pressed')).toBe('true');

    // Sections: each tab shows its section or says the agent did not report it.
    const panel = page.getByRole('tabpanel');
    await page.getByRole('tab', { name: /Sources/ }).click();
    await panel.getByRole('table', { name: 'Collector sources' }).locator('tr[data-status="ok"]', { hasText: 'cpu' }).waitFor();
    await page.getByRole('tab', { name: 'Inventory' }).click();
    await panel.getByText('Operating system').waitFor();
    await panel.getByRole('table', { name: 'Network interfaces' }).waitFor();
    await page.getByRole('tab', { name: 'Services' }).click();
    await panel.getByText(/No services watched|not reported by this agent/).waitFor();
    for (const tab of ['Patches', 'Disk health', 'Events']) {
      await page.getByRole('tab', { name: tab }).click();
      await expect.poll(async () => (await panel.textContent()) ?? '').toMatch(/\S/);
      await expect.poll(async () => (await panel.textContent()) ?? '').not.toContain('Loading');
    }
    expect(await page.evaluate('location.search')).toBe('?range=6h&tab=events');

    // Alert history keeps resolved alerts beside open ones.
    const history = page.getByRole('table', { name: 'Alert history' });
    await history.locator('tr[data-state="resolved"]', { hasText: 'Agent page CPU seen' }).waitFor();
    await history.locator('tr[data-state="open"]', { hasText: 'Agent page memory seen' }).waitFor({ timeout: 30_000 });
    expect(await history.locator('tr[data-state="resolved"]', { hasText: 'Agent page CPU seen' }).textContent()).toContain('auto');

    expect(errors).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
  });

  it('runs a script on the agent and shows its output, exit code and the job in the history', async () => {
    const { page, errors } = await openAgentPage('agent-tech');
    const form = page.getByRole('form', { name: 'Run a script' });
    await form.getByLabel('Script').waitFor();
    const helloOption = await form.getByLabel('Script').locator('option', { hasText: 'Console hello' }).getAttribute('value');
    await form.getByLabel('Script').selectOption(helloOption!);
    await form.getByRole('button', { name: `Run on ${hostname}` }).click();

    const result = page.locator('.run-result');
    await result.locator('[data-run-state="succeeded"]').waitFor({ timeout: 30_000 });
    await result.locator('[data-final-output]').waitFor();
    expect(await result.locator('[data-run-state]').textContent()).toBe('succeeded (exit 0)');
    expect(await result.getByLabel('Standard output').textContent()).toBe('hello-from-console\n');
    expect(await result.getByLabel('Standard error').textContent()).toBe('a warning\n');
    expect(await result.locator('[data-exit-code]').textContent()).toBe('0');
    const jobId = await result.getAttribute('data-job-id');
    expect(jobId).toMatch(/^job_/);

    // The job history lists it with this agent's run, linking to the job.
    const row = page.getByRole('table', { name: 'Job history' }).locator(`tr[data-job-id="${jobId}"]`);
    await row.locator('[data-run-state="succeeded"]').waitFor();
    expect(await row.getByRole('link', { name: jobId! }).getAttribute('href')).toBe(`/jobs/${jobId}`);
    expect(await row.textContent()).toContain('agent-tech');

    // A parameter out of bounds is refused next to its input; a good value runs.
    const greetOption = await form.getByLabel('Script').locator('option', { hasText: 'Console greet' }).getAttribute('value');
    await form.getByLabel('Script').selectOption(greetOption!);
    await form.getByLabel('who (required)').fill('world');
    await form.getByLabel('times').fill('9');
    await form.getByRole('button', { name: `Run on ${hostname}` }).click();
    const timesError = form.locator('[data-field="params.times"] .field-error');
    await timesError.waitFor();
    expect(await timesError.textContent()).toBe('must be at most 3, got 9');

    await form.getByLabel('times').fill('2');
    await form.getByRole('button', { name: `Run on ${hostname}` }).click();
    await expect.poll(() => result.getAttribute('data-job-id')).not.toBe(jobId);
    await result.locator('[data-run-state="succeeded"]').waitFor({ timeout: 30_000 });
    await result.locator('[data-final-output]').waitFor();
    expect(await result.getByLabel('Standard output').textContent()).toBe('greeting world x2\n');
    expect(await timesError.count()).toBe(0);

    // A script under change control waits for an approver, live, then runs once approved.
    const greetJobId = await result.getAttribute('data-job-id');
    const guardedOption = await form.getByLabel('Script').locator('option', { hasText: 'Console guarded' }).getAttribute('value');
    await form.getByLabel('Script').selectOption(guardedOption!);
    await form.getByRole('button', { name: `Run on ${hostname}` }).click();
    await expect.poll(() => result.getAttribute('data-job-id')).not.toBe(greetJobId);
    await result.locator('[data-job-status="awaiting_approval"]', { hasText: 'awaiting approval' }).waitFor();
    const guardedJobId = await result.getAttribute('data-job-id');
    const approved = await collector.api('POST', `/api/v1/jobs/${guardedJobId}/approve`, { comment: 'fine' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await result.locator('[data-run-state="succeeded"]').waitFor({ timeout: 30_000 });
    await result.locator('[data-final-output]').waitFor();
    expect(await result.getByLabel('Standard output').textContent()).toBe('approved-and-ran\n');

    const jobs = (await collector.api('GET', `/api/v1/jobs?agentId=${agentId}`)).body as JobList;
    expect(jobs.jobs.map((j) => j.scriptName)).toEqual(['Console guarded', 'Console greet', 'Console hello']);
    // Each job carries this agent's own run, without its output; the table shows its state.
    expect(jobs.jobs.map((j) => [j.agentRun?.agentId, j.agentRun?.state])).toEqual([[agentId, 'succeeded'], [agentId, 'succeeded'], [agentId, 'succeeded']]);
    expect(jobs.jobs.every((j) => !('runs' in j) && j.agentRun !== undefined && !('stdout' in j.agentRun))).toBe(true);
    await page.getByRole('table', { name: 'Job history' }).locator('tr[data-job-id]').nth(2).waitFor();

    // The console scrolls inside main.page, not the document: grow the viewport to all of it for the full-page shot.
    const height = await page.evaluate("document.querySelector('header.top').offsetHeight + document.querySelector('main.page').scrollHeight") as number;
    await page.setViewportSize({ width: 1440, height: Math.ceil(height) });
    await page.screenshot({ path: screenshotPath('agent'), fullPage: true });
    expect(errors).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
  });

  it('shows a running script\'s output as it prints it, here and on its job page, following the end until the reader scrolls up', async () => {
    const body = [
      'echo first-line',
      // More lines than the output box shows at once, so that it has to scroll.
      'i=1; while [ $i -le 60 ]; do echo "filler $i"; i=$((i+1)); done',
      'sleep 2',
      'echo middle-line',
      'sleep 5',
      'echo second-line',
    ].join('\n');
    const slow = await collector.api('POST', '/api/v1/scripts', { name: 'Console slow', shell: 'sh', body: `${body}\n`, os: ['linux'] });
    expect(slow.status, JSON.stringify(slow.body)).toBe(201);

    const { page, errors } = await openAgentPage('agent-tech');
    const form = page.getByRole('form', { name: 'Run a script' });
    await form.getByLabel('Script').waitFor();
    const option = await form.getByLabel('Script').locator('option', { hasText: 'Console slow' }).getAttribute('value');
    await form.getByLabel('Script').selectOption(option!);
    await form.getByRole('button', { name: `Run on ${hostname}` }).click();

    const result = page.locator('.run-result');
    const live = result.locator('[data-live-output]').getByLabel('Standard output');
    const state = () => result.locator('[data-run-state]').getAttribute('data-run-state');
    await expect.poll(() => live.textContent(), { timeout: 30_000 }).toContain('first-line');
    // Still running: the first line is there, the last is not printed yet.
    await expect.poll(state).toBe('running');
    expect(await live.textContent()).not.toContain('second-line');
    expect(await result.locator('[data-final-output]').count()).toBe(0);

    // The box follows the end of the output...
    const distanceFromEnd = () => live.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    await expect.poll(distanceFromEnd).toBeLessThanOrEqual(8);
    expect(await live.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    // ...until the reader scrolls up: then new lines do not pull the box away from what they read.
    await live.evaluate((el) => {
      el.scrollTop = 0;
      el.dispatchEvent(new Event('scroll'));
    });
    await expect.poll(() => live.textContent(), { timeout: 10_000 }).toContain('middle-line');
    expect(await live.evaluate((el) => el.scrollTop)).toBe(0);
    expect(await state()).toBe('running');
    expect(await live.textContent()).not.toContain('second-line');
    // The console scrolls inside main.page: grow the viewport to all of it for the full-page shot.
    const height = await page.evaluate("document.querySelector('header.top').offsetHeight + document.querySelector('main.page').scrollHeight") as number;
    await page.setViewportSize({ width: 1440, height: Math.ceil(height) });
    await page.screenshot({ path: screenshotPath('agent-live-output'), fullPage: true });

    // The job page shows the same run's output growing, from the output printed before it was opened.
    const jobId = await result.getAttribute('data-job-id');
    const jobPage = await openAgentPage('agent-tech', `/jobs/${jobId}`);
    await jobPage.page.getByRole('button', { name: `Output of ${hostname}` }).click();
    const runOutput = jobPage.page.getByRole('region', { name: `Output of ${hostname}` });
    const liveOnJobPage = runOutput.locator('[data-live-output]').getByLabel('stdout');
    await expect.poll(() => liveOnJobPage.textContent(), { timeout: 10_000 }).toContain('middle-line');
    expect(await liveOnJobPage.textContent()).toMatch(/^first-line\n/);
    expect(await liveOnJobPage.textContent()).not.toContain('second-line');
    expect(await jobPage.page.locator('.runs-table tbody tr').getAttribute('data-state')).toBe('running');
    await jobPage.page.screenshot({ path: screenshotPath('job-live-output'), fullPage: true });

    // The end: the stored output replaces the live copy, with the exit code.
    await result.locator('[data-final-output]').waitFor({ timeout: 30_000 });
    expect(await state()).toBe('succeeded');
    const fillers = Array.from({ length: 60 }, (_, i) => `filler ${i + 1}\n`).join('');
    expect(await result.getByLabel('Standard output').textContent()).toBe(`first-line\n${fillers}middle-line\nsecond-line\n`);
    expect(await result.locator('[data-exit-code]').textContent()).toBe('0');
    expect(await result.locator('[data-live-output]').count()).toBe(0);
    // The live copy stays until the stored output has been read, then gives way to it.
    await expect.poll(() => runOutput.locator('[data-live-output]').count(), { timeout: 10_000 }).toBe(0);
    expect(await runOutput.getByLabel('stdout').textContent()).toBe(`first-line\n${fillers}middle-line\nsecond-line\n`);
    for (const shown of [page, jobPage.page]) expect(await cspViolations(shown)).toEqual([]);
    expect(errors).toEqual([]);
    expect(jobPage.errors).toEqual([]);
  });

  it('gives a viewer the page without any way to run a script', async () => {
    const { page, errors } = await openAgentPage('agent-viewer');
    await page.getByRole('heading', { name: hostname, level: 2 }).waitFor();
    await page.getByRole('table', { name: 'Job history' }).locator('tr[data-job-id]').first().waitFor();
    const canvas = chart(page, 'cpu.usage_pct').locator('canvas');
    await canvas.waitFor();
    expect(await page.getByRole('heading', { name: 'Run a script' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Run a script' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Run on / }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);

    // The charts follow their container's width.
    const width = () => canvas.evaluate((el) => el.getBoundingClientRect().width);
    const before = await width();
    await page.setViewportSize({ width: 900, height: 900 });
    await expect.poll(width).toBeLessThan(before);
    expect(errors).toEqual([]);
  });

  it('says plainly when there is no such agent', async () => {
    const { page } = await openAgentPage('agent-tech', '/agents/agt_does_not_exist');
    await page.getByText(/No such agent: agt_does_not_exist/).waitFor();
    expect(await page.locator('figure.chart').count()).toBe(0);
  });
});
