/**
 * The console's Remediation pages in a real headless Chromium against a real collector and a real
 * agent (development mode, so it runs unsigned scripts): the read-only script library, a job
 * followed live on its page to `succeeded` with its output, change control's approvals queue
 * (the requester gets no buttons, another admin approves and rejects in the browser), cancelling
 * a job, runbooks with their triggering rule, and a viewer who gets no approve or cancel buttons.
 */
import type { Page } from 'playwright-core';
import type { JobRun, JobSummary, WhoAmI } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { CONSOLE_PASSWORD, ConsoleBrowser, createUsers, HAVE_CHROMIUM, logIn, screenshotPath, warnNoChromium } from '../helpers/browser.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

warnNoChromium('console-remediation');

/** Long enough for the job page to be open while the run is still under way. */
const SLOW_BODY = 'sleep 5\necho "hello from the remediation test"\necho "a warning on stderr" >&2\n';

describe.skipIf(!HAVE_CHROMIUM)('the remediation pages in a real browser', () => {
  const tmp = makeTempDir('console-remediation');
  let collector: TestCollector;
  let agent: Child;
  let agentId: string;
  let hostname: string;
  let browser: ConsoleBrowser;
  const pages = new Map<string, { page: Page; errors: string[] }>();
  let slowScriptId: string;
  let gatedScriptId: string;
  /** ops-alice's session token: jobs she asks for through the API are hers, for change control. */
  let aliceToken: string;

  /** One signed-in page per user for the whole file (logins are rate-limited per address). */
  async function pageOf(username: string): Promise<Page> {
    const existing = pages.get(username);
    if (existing) return existing.page;
    const { page, errors } = await browser.open(collector.url);
    await logIn(page, username);
    pages.set(username, { page, errors });
    return page;
  }

  async function asAlice(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${collector.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${aliceToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async function openTab(page: Page, name: RegExp): Promise<void> {
    if (!new URL(page.url()).pathname.startsWith('/remediation')) await page.getByRole('link', { name: 'Remediation' }).click();
    await page.getByRole('tab', { name }).click();
  }

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
    const token = await collector.enrollToken('acme', 'hq', ['--max-uses', '1']);
    agentId = await enrollAgent(collector.url, token, `${tmp.path}/agent`);
    agent = runAgent(`${tmp.path}/agent`, '1s', { allowUnsigned: true });
    const online = await waitFor('the agent online', async () => {
      const { body } = await collector.api('GET', `/api/v1/agents/${agentId}`);
      return body?.online ? body : undefined;
    });
    hostname = online.hostname;

    await createUsers(collector, [['ops-alice', 'admin', ['acme']], ['ops-bob', 'admin', ['acme']], ['ops-viewer', 'viewer', ['acme']]]);
    const login = await fetch(`${collector.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ops-alice', password: CONSOLE_PASSWORD }),
    });
    expect(login.status).toBe(200);
    aliceToken = ((await login.json()) as { token: string }).token;

    const slow = await collector.api('POST', '/api/v1/scripts', { name: 'Slow hello', shell: 'sh', body: SLOW_BODY, os: ['linux'], timeoutSec: 60, tenant: 'acme' });
    expect(slow.status, JSON.stringify(slow.body)).toBe(201);
    slowScriptId = slow.body.id;
    const gated = await collector.api('POST', '/api/v1/scripts', {
      name: 'Restart spooler', shell: 'sh', body: 'echo "spooler restarted"\n', os: ['linux'], tenant: 'acme', requiresApproval: true,
    });
    expect(gated.status, JSON.stringify(gated.body)).toBe(201);
    gatedScriptId = gated.body.id;
    browser = await ConsoleBrowser.launch();
  });

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('lists the script library and shows a script\'s body read-only', async () => {
    const page = await pageOf('ops-alice');
    await openTab(page, /Script library/);
    const row = page.locator('.scripts-table tr', { hasText: 'Slow hello' });
    await row.waitFor();
    await expect.poll(() => row.locator('td').allTextContents()).toEqual(
      expect.arrayContaining(['acme', 'sh', 'linux', 'v1', 'unsigned']),
    );
    await page.locator('.scripts-table tr', { hasText: 'Restart spooler' }).getByText('required').waitFor();
    await page.getByText('signed offline with the vigil CLI').waitFor();

    await row.getByRole('button', { name: 'Slow hello' }).click();
    await expect.poll(() => page.evaluate('location.search')).toBe(`?script=${slowScriptId}`);
    const panel = page.getByRole('complementary', { name: 'Script detail' });
    await expect.poll(() => panel.getByLabel('Script body').textContent()).toBe(SLOW_BODY);
    expect(await panel.getByRole('textbox').count()).toBe(0);
    expect(await panel.getByRole('button', { name: /edit|save|delete/i }).count()).toBe(0);
    await panel.getByText('unsigned: development mode only').waitFor();

    // Filters live in the URL: a reload keeps the search and the open script.
    await page.getByLabel('Search scripts').fill('spooler');
    await page.getByText('1 of 2 scripts').waitFor();
    await page.reload();
    await page.getByText('1 of 2 scripts').waitFor();
    await panel.getByLabel('Script body').waitFor();
    await page.getByLabel('Search scripts').fill('');
    await page.screenshot({ path: screenshotPath('remediation-scripts'), fullPage: true });
  });

  it('lists a job run through the API and follows its run live to succeeded, with its output', async () => {
    const page = await pageOf('ops-alice');
    await openTab(page, /Jobs/);
    const created = await asAlice('POST', '/api/v1/jobs', { scriptId: slowScriptId, targets: { tenant: 'acme' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const jobId: string = created.body.id;

    await page.getByRole('button', { name: 'Refresh' }).click();
    const jobRow = page.locator(`tr[data-job-id="${jobId}"]`);
    await jobRow.waitFor();
    expect(await jobRow.textContent()).toContain('Slow hello');
    // The targets as the job was created with them, and the one agent they matched.
    expect(await jobRow.textContent()).toContain('all agents in acme · 1 agent');
    expect(await jobRow.textContent()).toContain('ops-alice');
    await jobRow.getByRole('link', { name: jobId }).click();
    await expect.poll(() => page.evaluate('location.pathname')).toBe(`/jobs/${jobId}`);

    // The page stays put: the run moves on over the job stream.
    const run = page.locator('.runs-table tbody tr');
    await run.getByRole('link', { name: hostname }).waitFor();
    await expect.poll(() => run.getAttribute('data-state'), { timeout: 30_000 }).toBe('running');
    await page.locator('.live-status[data-status="live"]').waitFor();
    await page.getByRole('button', { name: 'Cancel job' }).waitFor();
    await expect.poll(() => run.getAttribute('data-state'), { timeout: 30_000 }).toBe('succeeded');
    await page.locator('.live-status[data-status="over"]').waitFor();
    expect(await page.getByRole('button', { name: 'Cancel job' }).count()).toBe(0);
    expect(await page.locator('.page-head .badge[data-status]').first().textContent()).toBe('finished');
    await page.getByRole('list', { name: 'Runs by state' }).getByText('succeeded').waitFor();
    expect(await run.locator('td').nth(2).textContent()).toBe('0');

    await run.getByRole('button', { name: `Output of ${hostname}` }).click();
    await expect.poll(() => page.getByLabel('stdout').textContent()).toBe('hello from the remediation test\n');
    expect(await page.getByLabel('stderr').textContent()).toBe('a warning on stderr\n');
    await page.screenshot({ path: screenshotPath('job-detail'), fullPage: true });

    // Runs are searched by their output on the server.
    await page.getByLabel('Search output').fill('no such text anywhere');
    await page.getByText('No runs match.').waitFor();
    await page.getByLabel('Search output').fill('remediation test');
    await run.getByRole('link', { name: hostname }).waitFor();

    await page.getByRole('link', { name: '← Jobs' }).click();
    await jobRow.locator('[data-status="finished"]').waitFor();
    await jobRow.getByRole('img', { name: 'Progress: 1 succeeded' }).waitFor();
    await page.getByLabel('Job status').selectOption('finished');
    await expect.poll(() => page.evaluate('location.search')).toBe('?tab=jobs&status=finished');
    await jobRow.waitFor();
    await page.screenshot({ path: screenshotPath('remediation-jobs'), fullPage: true });
  });

  it('queues a job needing approval: the requester cannot approve, another admin approves and rejects in the browser', async () => {
    const approved = await asAlice('POST', '/api/v1/jobs', { scriptId: gatedScriptId, agentIds: [agentId] });
    expect(approved.status, JSON.stringify(approved.body)).toBe(201);
    expect(approved.body.status).toBe('awaiting_approval');
    const rejected = await asAlice('POST', '/api/v1/jobs', { scriptId: gatedScriptId, targets: { tenant: 'acme' } });
    const approvedId: string = approved.body.id;
    const rejectedId: string = rejected.body.id;

    const alice = await pageOf('ops-alice');
    await openTab(alice, /Approvals/);
    const ownRow = alice.locator(`tr[data-job-id="${approvedId}"]`);
    await ownRow.waitFor();
    expect(await ownRow.textContent()).toContain('Restart spooler');
    expect(await ownRow.textContent()).toContain('1 agent by id');
    // Alice's own request, recognised by her user id.
    expect(approved.body.requestedByUserId).toEqual(expect.stringMatching(/^usr_/));
    expect(await ownRow.textContent()).toContain('you');
    expect(await ownRow.getByRole('button').count()).toBe(0);
    // Nor on the job's own page.
    await ownRow.getByRole('link', { name: approvedId }).click();
    await alice.getByLabel('Job details').waitFor();
    expect(await alice.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    const bob = await pageOf('ops-bob');
    await openTab(bob, /Approvals/);
    const row = bob.locator(`tr[data-job-id="${approvedId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('ops-alice');
    await bob.getByRole('tab', { name: /Approvals/ }).getByText('2').waitFor();
    await bob.screenshot({ path: screenshotPath('approvals'), fullPage: true });

    await row.getByRole('button', { name: 'Approve' }).click();
    await bob.getByLabel('Comment').fill('CAB-7');
    await bob.getByRole('form', { name: `Approve job ${approvedId}` }).getByRole('button', { name: 'Approve' }).click();
    await row.waitFor({ state: 'detached' });
    await bob.getByRole('status').filter({ hasText: `job ${approvedId} approved; it runs now` }).waitFor();

    const rejectRow = bob.locator(`tr[data-job-id="${rejectedId}"]`);
    expect(await rejectRow.textContent()).toContain('all agents in acme · 1 agent');
    await rejectRow.getByRole('button', { name: 'Reject' }).click();
    await bob.getByRole('form', { name: `Reject job ${rejectedId}` }).getByText('Restart spooler v1 on all agents in acme · 1 agent').waitFor();
    await bob.getByLabel('Comment').fill('not during business hours');
    await bob.getByRole('form', { name: `Reject job ${rejectedId}` }).getByRole('button', { name: 'Reject' }).click();
    await rejectRow.waitFor({ state: 'detached' });
    await bob.getByText('Nothing is waiting for approval.').waitFor();
    await bob.getByRole('status').filter({ hasText: `job ${rejectedId} rejected; its runs are cancelled` }).waitFor();

    // The approved job runs on the agent; its page says who approved it and why.
    const ran = await waitFor('the approved job to finish', async () => {
      const { body } = await collector.api('GET', `/api/v1/jobs/${approvedId}`);
      return body.status === 'finished' ? body : undefined;
    }, 30_000);
    expect(ran.runs[0]).toMatchObject({ state: 'succeeded', stdout: 'spooler restarted\n' });
    expect(ran.approval).toMatchObject({ decision: 'approved', decidedBy: 'ops-bob', comment: 'CAB-7' });
    expect((await collector.api('GET', `/api/v1/jobs/${rejectedId}`)).body).toMatchObject({ status: 'rejected', approval: { decision: 'rejected', comment: 'not during business hours' } });

    await bob.getByRole('tab', { name: /Jobs/ }).click();
    await bob.locator(`tr[data-job-id="${rejectedId}"] [data-status="rejected"]`).waitFor();
    await bob.getByRole('link', { name: approvedId }).click();
    await bob.getByText('approved by ops-bob').waitFor();
    await bob.getByText('“CAB-7”').waitFor();
    await expect.poll(() => bob.locator('.runs-table tbody tr').getAttribute('data-state'), { timeout: 30_000 }).toBe('succeeded');

    // Alice, still on the page she opened while it waited, saw the decision arrive over the stream.
    await alice.getByText('approved by ops-bob').waitFor();
    await expect.poll(() => alice.locator('.runs-table tbody tr').getAttribute('data-state'), { timeout: 30_000 }).toBe('succeeded');
  });

  it('shows a viewer the queue without approve or cancel buttons, and lets an admin cancel the job', async () => {
    const pending = await asAlice('POST', '/api/v1/jobs', { scriptId: gatedScriptId, agentIds: [agentId] });
    const pendingId: string = pending.body.id;

    const viewer = await pageOf('ops-viewer');
    await openTab(viewer, /Approvals/);
    const row = viewer.locator(`tr[data-job-id="${pendingId}"]`);
    await row.waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    await row.getByRole('link', { name: pendingId }).click();
    await viewer.getByLabel('Job details').waitFor();
    await viewer.locator('.page-head .badge[data-status="awaiting_approval"]').waitFor();
    for (const name of ['Approve', 'Reject', 'Cancel job']) expect(await viewer.getByRole('button', { name }).count(), name).toBe(0);

    const bob = await pageOf('ops-bob');
    await bob.goto(`${collector.url}/jobs/${pendingId}`);
    await bob.getByRole('button', { name: 'Cancel job' }).click();
    await bob.getByRole('button', { name: 'Yes, cancel the job' }).click();
    await bob.locator('.page-head .badge[data-status="cancelled"]').waitFor();
    await expect.poll(() => bob.locator('.runs-table tbody tr').getAttribute('data-state'), { timeout: 20_000 }).toBe('cancelled');
    expect((await collector.api('GET', `/api/v1/jobs/${pendingId}`)).body.status).toBe('cancelled');
    // The viewer's open page follows the cancellation live.
    await viewer.locator('.page-head .badge[data-status="cancelled"]').waitFor();
  });

  it('lists runbooks with the rule that triggers them, their caps and steps, and their runs\' stage and outcome', async () => {
    const spooler = await collector.api('POST', '/api/v1/runbooks', {
      name: 'Spooler recovery', tenant: 'acme', steps: [{ scriptId: slowScriptId, timeout: '2m' }, { scriptId: gatedScriptId, onFailure: 'continue' }],
      maxRunsPerAlertPerHour: 2, maxRunsPerAgentPerHour: 4,
    });
    expect(spooler.status, JSON.stringify(spooler.body)).toBe(201);
    // A threshold no machine reaches: the rule names the runbook without starting it.
    const idle = await collector.api('POST', '/api/v1/rules', {
      name: 'Spooler queue stuck', metric: 'cpu.usage_pct', op: '>', threshold: 1000, priority: 'P3', forSamples: 1, scope: { tenant: 'acme' }, runbookId: spooler.body.id,
    });
    expect(idle.status, JSON.stringify(idle.body)).toBe(201);

    // Memory in use is always above zero: this rule fires, and its runbook's only step fails, so the run escalates.
    const check = await collector.api('POST', '/api/v1/scripts', { name: 'Check memory', shell: 'sh', body: 'echo "memory pressure persists"\nexit 1\n', os: ['linux'], tenant: 'acme' });
    const memory = await collector.api('POST', '/api/v1/runbooks', { name: 'Memory pressure', tenant: 'acme', steps: [{ scriptId: check.body.id }] });
    expect(memory.status, JSON.stringify(memory.body)).toBe(201);
    const firing = await collector.api('POST', '/api/v1/rules', {
      name: 'Memory in use', metric: 'mem.used_pct', op: '>', threshold: 0, priority: 'P3', forSamples: 1, scope: { tenant: 'acme' }, runbookId: memory.body.id,
    });
    expect(firing.status, JSON.stringify(firing.body)).toBe(201);
    const escalated = await waitFor('the runbook run to escalate', async () => {
      const { body } = await collector.api('GET', `/api/v1/runbook-runs?runbookId=${memory.body.id}`);
      return body.runs.find((r: { state: string }) => r.state === 'escalated');
    }, 45_000);

    const page = await pageOf('ops-viewer');
    await openTab(page, /Runbooks/);
    const row = page.locator(`tr[data-runbook-id="${spooler.body.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Spooler queue stuck');
    expect(await row.textContent()).toContain('2 runs per alert, 4 per agent, each hour');
    await row.getByRole('button', { name: 'Spooler recovery' }).click();
    await expect.poll(() => page.evaluate('location.search')).toBe(`?tab=runbooks&runbook=${spooler.body.id}`);
    const steps = page.getByRole('list', { name: 'Steps of Spooler recovery' });
    await steps.getByText('Slow hello (latest)').waitFor();
    await steps.getByText('Restart spooler (latest)').waitFor();
    await steps.getByText(/on failure continue/).waitFor();
    await page.locator('.expanded-row').getByText('No runs yet.').waitFor();

    const recent = page.getByRole('region', { name: 'Recent runbook runs' });
    const run = recent.locator(`tr[data-runbook-run-id="${escalated.id}"]`);
    await run.waitFor();
    expect(await run.textContent()).toContain('Memory pressure');
    expect(await run.textContent()).toContain('escalated');
    expect(await run.textContent()).toContain('step 1 failed: exit code 1');
    await run.getByRole('link', { name: hostname }).waitFor();
    await page.screenshot({ path: screenshotPath('remediation-runbooks'), fullPage: true });

    // A run's step opens its job.
    await run.getByRole('link', { name: 'step 1' }).click();
    await expect.poll(() => page.evaluate('location.pathname')).toBe(`/jobs/${escalated.jobIds[0]}`);
    await page.getByText(`runbook run ${escalated.id}`).waitFor();
    await expect.poll(() => page.locator('.runs-table tbody tr').getAttribute('data-state')).toBe('failed');

    for (const [user, { errors }] of pages) expect(errors, user).toEqual([]);
  });

  it('pages a 10,000-run job instead of rendering every run, and keeps the page\'s rows live', async () => {
    // The collector serves the page; the session, the runs and the stream are stood in for, to control volume and timing.
    const total = 10_000;
    const now = Date.now();
    const runOf = (i: number, patch: Partial<JobRun> = {}): JobRun => ({
      id: `run_${String(i).padStart(5, '0')}`, jobId: 'job_big', agentId: `agt_${String(i).padStart(5, '0')}`, state: 'running', exitCode: null, signal: null,
      stdout: null, stderr: null, stdoutTruncated: false, stderrTruncated: false, error: null, queuedAt: now, sentAt: now, startedAt: now, finishedAt: null,
      durationMs: null, ...patch,
    });
    const job: JobSummary = {
      id: 'job_big', scriptId: 'scr_big', scriptName: 'Patch everything', version: 3, digest: 'f'.repeat(64), alertId: null, runbookRunId: null, tenantId: 'acme',
      status: 'active', approval: { required: false, decidedBy: null, decidedAt: null, decision: null, comment: null }, params: { reboot: false }, args: [],
      offline: 'run_on_reconnect', expiresAt: now + 86_400_000, concurrency: 500, ratePerSec: 100, createdBy: 'ops-alice', requestedByUserId: 'usr_alice',
      createdAt: now, targets: { tenant: 'acme', tags: ['linux-fleet'] },
      counts: { queued: 0, sent: 0, running: total, succeeded: 0, failed: 0, timed_out: 0, rejected: 0, error: 0, expired: 0, cancelled: 0 },
    };
    const finished = new Set<number>();
    const requested: string[] = [];
    const me: WhoAmI = { user: null, tokenId: 'tok_fake', role: 'technician', tenants: ['acme'], permissions: ['jobs:read', 'jobs:run'] };

    const { page, errors } = await browser.blank();
    await page.route('**/api/v1/auth/me', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(me) }));
    await page.route('**/api/v1/jobs/job_big/runs?*', (route) => {
      const url = new URL(route.request().url());
      requested.push(url.search);
      const limit = Number(url.searchParams.get('limit'));
      const offset = Number(url.searchParams.get('offset'));
      const runs = Array.from({ length: Math.min(limit, total - offset) }, (_, k) => {
        const i = offset + k;
        return finished.has(i) ? runOf(i, { state: 'succeeded', exitCode: 0, finishedAt: now + 1000, durationMs: 1000, stdout: `patched host ${i}\n` }) : runOf(i);
      });
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ runs, total, limit, offset }) });
    });
    let stream: { send(message: string): void } | undefined;
    await page.routeWebSocket(/\/api\/v1\/jobs\/job_big\/stream/, (ws) => {
      stream = ws;
      const runs = Array.from({ length: total }, (_, i) => {
        const { stdout: _stdout, stderr: _stderr, ...progress } = runOf(i);
        return progress;
      });
      ws.send(JSON.stringify({ type: 'job.snapshot', job: { ...job, runs } }));
    });
    await page.goto(`${collector.url}/jobs/job_big#token=fake-token`);

    await page.locator('.live-status[data-status="live"]').waitFor();
    await page.getByText(`runs 1–50 of ${total.toLocaleString('en-US')}`).waitFor();
    expect(await page.locator('.runs-table tbody tr').count()).toBe(50);
    await page.getByRole('img', { name: `Progress: ${total} running` }).waitFor();
    // The header says how the job chose its agents, and how many that made.
    await page.getByRole('definition').filter({ hasText: `tag=linux-fleet in acme · ${total.toLocaleString('en-US')} agents` }).waitFor();
    // A technician may cancel; without jobs:approve there is nothing to decide.
    await page.getByRole('button', { name: 'Cancel job' }).waitFor();

    await page.getByRole('button', { name: 'Next page of runs' }).click();
    await page.getByText(`runs 51–100 of ${total.toLocaleString('en-US')}`).waitFor();
    await page.locator('tr[data-run-id="run_00050"]').waitFor();
    expect(await page.locator('.runs-table tbody tr').count()).toBe(50);
    await expect.poll(() => page.evaluate('location.search')).toBe('?offset=50');

    // A run of this page finishes: its row changes at once, and the page is read again for the output.
    const row = page.locator('tr[data-run-id="run_00051"]');
    await row.getByRole('button', { name: 'Output of agt_00051' }).click();
    await page.getByText('The output arrives when the run finishes.').waitFor();
    finished.add(51);
    const before = requested.length;
    const { stdout: _o, stderr: _e, ...done } = runOf(51, { state: 'succeeded', exitCode: 0, finishedAt: now + 1000, durationMs: 1000 });
    stream!.send(JSON.stringify({ type: 'run.updated', run: done }));
    stream!.send(JSON.stringify({ type: 'job.updated', status: 'active', counts: { ...job.counts, running: total - 1, succeeded: 1 } }));
    await expect.poll(() => row.getAttribute('data-state')).toBe('succeeded');
    await expect.poll(() => page.getByLabel('stdout').textContent()).toBe('patched host 51\n');
    expect(requested.length).toBeGreaterThan(before);
    await page.getByRole('img', { name: `Progress: ${total - 1} running, 1 succeeded` }).waitFor();

    // The legend filters the runs by state, on the server.
    await page.getByRole('list', { name: 'Runs by state' }).getByRole('button', { name: /succeeded/ }).click();
    await expect.poll(() => requested.at(-1)).toContain('state=succeeded');
    expect(errors).toEqual([]);
  });
});
