/**
 * The whole path with real processes on loopback: a real collector (SQLite under a temp data
 * dir) and a real agent reporting this machine's telemetry; a rule its real memory usage
 * breaches; the alert on the live stream; the runbook's real bash script run by the agent with
 * its stdout stored on the job; and the alert resolving once the rule no longer breaches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, Job, JobList, RunbookRun } from '@vigil/shared';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import { openFeed, type FeedClient } from '../helpers/alert-feed.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

describe('from a real endpoint to an alert, a remediation and the live feed', () => {
  const tmp = makeTempDir('e2e');
  let collector: TestCollector;
  let agent: Child;
  let agentId: string;
  let feed: FeedClient;

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
    const token = await collector.enrollToken('acme', 'hq', ['--tags', 'server,linux', '--max-uses', '1']);
    agentId = await enrollAgent(collector.url, token, `${tmp.path}/agent`);
    agent = runAgent(`${tmp.path}/agent`, '1s');
    feed = await openFeed(collector.wsUrl, collector.adminToken);
  });

  afterAll(async () => {
    feed?.close();
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('enrolls the agent under its tenant and site, and stores its real telemetry', async () => {
    const online = await waitFor('the agent online with a stored frame', async () => {
      const { body } = await collector.api('GET', `/api/v1/agents/${agentId}`);
      return body.online && body.lastSeq > 0 ? body : undefined;
    });
    expect(online).toMatchObject({ tenantId: 'acme', siteId: 'hq', tags: ['server', 'linux'], os: { platform: 'linux' } });

    const { body } = await collector.api('GET', `/api/v1/agents/${agentId}/telemetry?metric=mem.used_pct`);
    expect(body.samples.length).toBeGreaterThan(0);
    const sample = body.samples[0];
    expect(sample.value).toBeGreaterThan(0);
    expect(sample.value).toBeLessThanOrEqual(100);
    expect(sample.seq).toBeGreaterThan(0);

    const disks = await collector.api('GET', `/api/v1/agents/${agentId}/telemetry?metric=disk.used_pct`);
    expect(disks.body.samples.some((s: { labels: Record<string, string> }) => s.labels.mount === '/')).toBe(true);
  });

  it('opens an alert on the stream, runs the runbook script on the agent, and resolves when the rule stops breaching', async () => {
    const script = await collector.api('POST', '/api/v1/scripts', {
      name: 'Report memory pressure',
      shell: 'bash',
      body: 'echo "remediation ran for $1 on $(uname -s)"\necho "to stderr" >&2\nexit 0\n',
      args: ['default'],
      timeoutSec: 30,
      os: ['linux'],
    });
    expect(script.status).toBe(201);
    const runbook = await collector.api('POST', '/api/v1/runbooks', { name: 'Memory pressure', scriptId: script.body.id, args: ['mem-check'] });
    expect(runbook.status).toBe(201);

    // Real memory usage of a running machine is always above zero: the rule must breach.
    const rule = await collector.api('POST', '/api/v1/rules', {
      name: 'Memory in use', metric: 'mem.used_pct', op: '>', threshold: 0, forSamples: 2, priority: 'P2',
      scope: { tenant: 'acme', site: 'hq', tags: ['server'], os: 'linux' }, runbookId: runbook.body.id,
    });
    expect(rule.status).toBe(201);

    const opened = await feed.next('alert.opened for the agent', (m) => m.type === 'alert.opened' && m.alert.agentId === agentId);
    const alert = (opened as { alert: Alert }).alert;
    expect(alert).toMatchObject({ ruleId: rule.body.id, priority: 'P2', state: 'open', tenantId: 'acme', siteId: 'hq', metric: 'mem.used_pct' });
    expect(alert.value).toBeGreaterThan(0);

    // The runbook's job ran the real script on the agent; its stdout is stored on the job.
    // The list says how far the job is (counts per run state); the job itself has the run and its output.
    const listed = await waitFor('the runbook job to finish', async () => {
      const { body } = await collector.api('GET', `/api/v1/jobs?alertId=${alert.id}`);
      const found = (body as JobList).jobs[0];
      return found && found.counts.succeeded === 1 ? found : undefined;
    });
    expect(listed).not.toHaveProperty('runs');
    expect(listed).toMatchObject({ createdBy: `runbook:${runbook.body.id}`, targets: { agentIdCount: 1 }, requestedByUserId: null });
    const job = (await collector.api('GET', `/api/v1/jobs/${listed.id}`)).body as Job;
    expect(job.targets).toEqual({ agentIds: [agentId] });
    expect(job.runs).toHaveLength(1);
    expect(job.runs[0]).toMatchObject({ agentId, exitCode: 0, stdoutTruncated: false });
    expect(job.runs[0]!.stdout).toBe('remediation ran for mem-check on Linux\n');
    expect(job.runs[0]!.stderr).toBe('to stderr\n');
    const detail = await collector.api('GET', `/api/v1/alerts/${alert.id}`);
    expect(detail.body.jobs.map((j: Job) => j.id)).toEqual([job.id]);
    // Nobody asked for this run: the audit log names the runbook as its actor.
    const audit = await collector.api('GET', `/api/v1/audit?action=job.dispatched&targetId=${job.id}`);
    expect(audit.body.entries).toEqual([expect.objectContaining({
      actorType: 'system', actorId: runbook.body.id, tenantId: 'acme', after: expect.objectContaining({ alertId: alert.id, runbookId: runbook.body.id }),
    })]);

    // One alert per series, however many breaching frames arrive.
    const seqAtOpen = (await collector.api('GET', `/api/v1/agents/${agentId}`)).body.lastSeq as number;
    await waitFor('three more frames', async () => (await collector.api('GET', `/api/v1/agents/${agentId}`)).body.lastSeq >= seqAtOpen + 3);
    const active = await collector.api('GET', `/api/v1/alerts?state=active&agentId=${agentId}`);
    expect(active.body.alerts).toHaveLength(1);
    expect(feed.messages.filter((m) => m.type === 'alert.opened' && m.alert.agentId === agentId)).toHaveLength(1);

    // Nothing on this machine uses more than 100% memory: the next frame clears the alert.
    const patched = await collector.api('PATCH', `/api/v1/rules/${rule.body.id}`, { threshold: 101 });
    expect(patched.status).toBe(200);
    const resolved = await feed.next('alert.resolved', (m) => m.type === 'alert.resolved' && m.alert.id === alert.id);
    expect((resolved as { alert: Alert }).alert).toMatchObject({ state: 'resolved', resolvedBy: 'auto' });
    const stored = await collector.api('GET', `/api/v1/alerts/${alert.id}`);
    expect(stored.body.state).toBe('resolved');
    expect(stored.body.resolvedAt).toBeGreaterThanOrEqual(alert.openedAt);

    // The runbook's run (one step, the older one-script shape) saw the alert resolve while it verified.
    const run = await waitFor('the runbook run resolved', async () => {
      const { body } = await collector.api('GET', `/api/v1/runbook-runs?alertId=${alert.id}`);
      return (body.runs as RunbookRun[]).find((r) => r.state === 'resolved');
    });
    expect(run).toMatchObject({ runbookId: runbook.body.id, outcome: 'condition cleared after step 1', jobIds: [job.id] });
    expect(run.output).toBe('== step 1 (Report memory pressure): succeeded ==\nremediation ran for mem-check on Linux\n-- stderr --\nto stderr\n');
  });

  it('runs a script on chosen agents by hand', async () => {
    const script = await collector.api('POST', '/api/v1/scripts', { name: 'Who am I', shell: 'sh', body: 'echo "hello from $0"; exit 3', os: ['linux'] });
    const job = await collector.api('POST', '/api/v1/jobs', { scriptId: script.body.id, agentIds: [agentId] });
    expect(job.status).toBe(201);
    const finished = await waitFor('the manual job to finish', async () => {
      const { body } = await collector.api('GET', `/api/v1/jobs/${job.body.id}`);
      return body.runs[0].state === 'failed' ? body : undefined;
    });
    expect(finished.runs[0]).toMatchObject({ exitCode: 3, agentId });
    expect(finished.runs[0].stdout).toMatch(/^hello from /);
  });

  it('keeps a job for an offline agent queued and runs it when the agent reconnects', async () => {
    await agent.stop();
    await waitFor('the agent offline', async () => !(await collector.api('GET', `/api/v1/agents/${agentId}`)).body.online);
    const script = await collector.api('POST', '/api/v1/scripts', { name: 'Later', shell: 'python', body: 'import sys\nprint("ran with", sys.argv[1:])', args: ['a', 'b c'] });
    const job = await collector.api('POST', '/api/v1/jobs', { scriptId: script.body.id, agentIds: [agentId] });
    expect(job.body.runs[0].state).toBe('queued');

    agent = runAgent(`${tmp.path}/agent`, '1s');
    const finished = await waitFor('the queued job to run after reconnect', async () => {
      const { body } = await collector.api('GET', `/api/v1/jobs/${job.body.id}`);
      return body.runs[0].state === 'succeeded' ? body : undefined;
    });
    expect(finished.runs[0].stdout).toBe("ran with ['a', 'b c']\n");
    expect(finished.runs[0].sentAt).toBeGreaterThanOrEqual(job.body.createdAt);
  });

  it('acknowledges and resolves by hand, with both changes on the stream', async () => {
    const rule = await collector.api('POST', '/api/v1/rules', { name: 'Load seen', metric: 'cpu.load1', op: '>=', threshold: 0, priority: 'P4' });
    const opened = await feed.next('alert.opened for cpu.load1', (m) => m.type === 'alert.opened' && m.alert.ruleId === rule.body.id);
    const id = (opened as { alert: Alert }).alert.id;

    const ack = await collector.api('POST', `/api/v1/alerts/${id}/ack`, { comment: 'looking at it' });
    expect(ack.body).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'admin', comment: 'looking at it' });
    await feed.next('alert.updated (acknowledged)', (m) => m.type === 'alert.updated' && m.alert.id === id && m.alert.state === 'acknowledged');
    expect((await collector.api('POST', `/api/v1/alerts/${id}/ack`, {})).status).toBe(409);

    const resolved = await collector.api('POST', `/api/v1/alerts/${id}/resolve`, {});
    expect(resolved.body).toMatchObject({ state: 'resolved', resolvedBy: 'admin' });
    await feed.next('alert.resolved (by hand)', (m) => m.type === 'alert.resolved' && m.alert.id === id);

    // Still breaching: within the rule's re-open window the same alert re-opens, its history
    // continued (a second occurrence) rather than a new alert adding noise to the feed.
    const reopened = await feed.next('the same alert re-opened', (m) => m.type === 'alert.opened' && m.alert.id === id && m.alert.occurrences === 2);
    expect((reopened as { alert: Alert }).alert).toMatchObject({ state: 'open', occurrences: 2, resolvedAt: null, resolvedBy: null });
    expect((await collector.api('DELETE', `/api/v1/rules/${rule.body.id}`)).status).toBe(204);
    await feed.next('alert.resolved when its rule is deleted', (m) => m.type === 'alert.resolved' && m.alert.id === id && m.alert.occurrences === 2);
  });
});
