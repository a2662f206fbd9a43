/**
 * Maintenance windows with real processes on loopback: a real collector and a real agent
 * reporting this machine's telemetry. An alert that opens while its agent is inside a window is
 * recorded (on the feed, carrying the window's id) but its runbook does not run; when the window
 * ends, the still-broken alert is released on the feed and the runbook's script runs on the agent.
 * An alert already open when a window starts is marked in maintenance on the feed at the start and
 * released at the end, its SLA deadlines moved on by the time it was held. A window whose scope
 * does not cover the agent holds nothing. A webhook channel, its signatures checked by a receiver
 * on loopback, hears nothing of a held alert while the window lasts and "still failing after
 * maintenance" once it ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, Job, JobList } from '@vigil/shared';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import { openFeed, type FeedClient } from '../helpers/alert-feed.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookReceiver, verifyWebhookSignature, type ReceivedHook, type WebhookReceiver } from '../helpers/webhook-receiver.js';

describe('maintenance windows hold alerts back until they end', () => {
  const tmp = makeTempDir('maintenance');
  let collector: TestCollector;
  let agent: Child;
  let agentId: string;
  let feed: FeedClient;
  let hooks: WebhookReceiver;
  let secret: string;

  /** The webhooks about one alert, each checked for a valid signature. */
  const hooksAbout = (alertId: string): ReceivedHook[] => {
    const about = hooks.received.filter((h) => h.path === '/noc' && (h.body.alerts as Array<{ id: string }>).some((a) => a.id === alertId));
    for (const hook of about) expect(verifyWebhookSignature(secret, hook)).toBe(true);
    return about;
  };

  beforeAll(async () => {
    hooks = await startWebhookReceiver();
    collector = await startTestCollector(`${tmp.path}/data`);
    const token = await collector.enrollToken('acme', 'hq', ['--tags', 'server,linux', '--max-uses', '1']);
    agentId = await enrollAgent(collector.url, token, `${tmp.path}/agent`);
    agent = runAgent(`${tmp.path}/agent`, '1s');
    feed = await openFeed(collector.wsUrl, collector.adminToken);
    // Short group timings keep the test quick; a repeat interval shorter than a window lets the
    // release of an alert paged before the window go out as news of its own.
    const channel = await collector.api('POST', '/api/v1/notification-channels', {
      name: 'NOC webhook', kind: 'webhook', target: { url: `${hooks.url}/noc` }, groupWait: '100ms', groupInterval: '100ms', repeatInterval: '1s',
    });
    expect(channel.status).toBe(201);
    secret = channel.body.secret as string;
    await waitFor('the agent online with a stored frame', async () => {
      const { body } = await collector.api('GET', `/api/v1/agents/${agentId}`);
      return body.online && body.lastSeq > 0;
    });
  });

  afterAll(async () => {
    feed?.close();
    await agent?.stop();
    await collector?.stop();
    await hooks?.close();
    tmp.remove();
  });

  it('creates, lists, changes and deletes windows, refusing bad ones with a 400 that names the field', async () => {
    const bad = async (body: unknown, field: RegExp) => {
      const res = await collector.api('POST', '/api/v1/maintenance-windows', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_body');
      expect(res.body.error.message).toMatch(field);
    };
    await bad({ name: 'x', cron: '0 25 * * *', durationMinutes: 60, timezone: 'UTC' }, /^invalid body: cron: /);
    await bad({ name: 'x', cron: '0 2 * * SUN', durationMinutes: 60, timezone: 'Europe/Atlantis' }, /^invalid body: timezone: unknown time zone/);
    await bad({ name: 'x', startsAt: '2026-03-29T04:00:00Z', endsAt: '2026-03-29T02:00:00Z' }, /^invalid body: endsAt: must be after startsAt/);
    await bad({ name: 'x', startsAt: 0, endsAt: 1, scope: { agentIds: ['agt_nobody'] } }, /^invalid body: scope\.agentIds: unknown agent agt_nobody/);

    const created = await collector.api('POST', '/api/v1/maintenance-windows', {
      name: 'Sunday patching', cron: '0 2 * * SUN', durationMinutes: 120, timezone: 'Europe/Berlin', scope: { tenant: 'acme', tags: ['server'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'recurring', cron: '0 2 * * SUN', durationMinutes: 120, timezone: 'Europe/Berlin' });
    // Its next occurrence, read in Berlin time: a Sunday, lasting two hours.
    const { startsAt, endsAt } = created.body.occurrence;
    expect(endsAt - startsAt).toBe(120 * 60_000);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(startsAt)).toBe('Sun 02:00');

    const id = created.body.id as string;
    expect((await collector.api('GET', '/api/v1/maintenance-windows')).body.windows.map((w: { id: string }) => w.id)).toContain(id);
    const patched = await collector.api('PATCH', `/api/v1/maintenance-windows/${id}`, { durationMinutes: 30 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, durationMinutes: 30, cron: '0 2 * * SUN' });
    expect((await collector.api('GET', `/api/v1/maintenance-windows/${id}`)).body.durationMinutes).toBe(30);
    expect((await collector.api('DELETE', `/api/v1/maintenance-windows/${id}`)).status).toBe(204);
    expect((await collector.api('GET', `/api/v1/maintenance-windows/${id}`)).status).toBe(404);
  });

  it('holds nothing for a window whose scope does not cover the agent', async () => {
    const now = Date.now();
    const elsewhere = await collector.api('POST', '/api/v1/maintenance-windows', {
      name: 'Database hosts only', scope: { tenant: 'acme', tags: ['db'] }, startsAt: now - 60_000, endsAt: now + 10 * 60_000,
    });
    expect(elsewhere.status).toBe(201);
    const rule = await collector.api('POST', '/api/v1/rules', { name: 'Load seen', metric: 'cpu.load1', op: '>=', threshold: 0, priority: 'P4' });
    const opened = await feed.next('alert.opened for cpu.load1', (m) => m.type === 'alert.opened' && m.alert.ruleId === rule.body.id);
    expect((opened as { alert: Alert }).alert).toMatchObject({ agentId, maintenanceWindowId: null });

    expect((await collector.api('DELETE', `/api/v1/rules/${rule.body.id}`)).status).toBe(204);
    expect((await collector.api('DELETE', `/api/v1/maintenance-windows/${elsewhere.body.id}`)).status).toBe(204);
    expect(feed.messages.some((m) => m.type === 'alert.released')).toBe(false);
  });

  it('records an alert inside the window without running its runbook, then releases it and runs the runbook when the window ends', async () => {
    const script = await collector.api('POST', '/api/v1/scripts', {
      name: 'After maintenance', shell: 'bash', body: 'echo "remediated $1"\n', timeoutSec: 30, os: ['linux'],
    });
    const runbook = await collector.api('POST', '/api/v1/runbooks', { name: 'After maintenance', scriptId: script.body.id, args: ['mem'] });
    expect(runbook.status).toBe(201);

    // A window covering the agent's tenant from a minute ago until a few seconds from now.
    const now = Date.now();
    const window = await collector.api('POST', '/api/v1/maintenance-windows', {
      name: 'Quick reboot', scope: { tenant: 'acme' }, startsAt: now - 60_000, endsAt: new Date(now + 8_000).toISOString(),
    });
    expect(window.status).toBe(201);
    const endsAt = window.body.endsAt as number;
    expect(window.body.occurrence).toEqual({ startsAt: now - 60_000, endsAt });

    // Real memory usage is always above zero: the rule breaches at once.
    const rule = await collector.api('POST', '/api/v1/rules', {
      name: 'Memory in use', metric: 'mem.used_pct', op: '>', threshold: 0, priority: 'P2', scope: { tenant: 'acme' }, runbookId: runbook.body.id,
    });
    expect(rule.status).toBe(201);

    const opened = await feed.next('alert.opened inside the window', (m) => m.type === 'alert.opened' && m.alert.ruleId === rule.body.id);
    const alert = (opened as { alert: Alert }).alert;
    expect(alert.openedAt).toBeLessThan(endsAt);
    expect(alert).toMatchObject({ agentId, state: 'open', maintenanceWindowId: window.body.id });
    expect((await collector.api('GET', `/api/v1/alerts/${alert.id}`)).body.maintenanceWindowId).toBe(window.body.id);

    const released = await feed.next('alert.released at the window end', (m) => m.type === 'alert.released' && m.alert.id === alert.id);
    expect(released).toMatchObject({ type: 'alert.released', from: 'maintenance', alert: { id: alert.id, state: 'open', maintenanceWindowId: null } });
    expect((released as { alert: Alert }).alert.updatedAt).toBeGreaterThanOrEqual(endsAt);
    expect(feed.messages.filter((m) => m.type === 'alert.released')).toHaveLength(1);

    // The channel heard nothing while the window held the alert: its first news is the release.
    const [news] = await waitFor('the released webhook', () => hooksAbout(alert.id).length > 0 && hooksAbout(alert.id));
    expect(news!.body).toMatchObject({ event: 'released', summary: expect.stringContaining('Still failing after maintenance: Memory in use') });
    expect(news!.body.alerts[0]).toMatchObject({ id: alert.id, from: 'maintenance', maintenanceWindowId: null, state: 'open' });
    expect(news!.body.sentAt).toBeGreaterThanOrEqual(endsAt);

    // The runbook ran once, and only after the release: no job was made while the window held the alert.
    const jobs = await waitFor('the runbook job to finish', async () => {
      const { body } = await collector.api('GET', `/api/v1/jobs?alertId=${alert.id}`);
      const { jobs: listed } = body as JobList;
      return listed[0]?.counts.succeeded === 1 ? listed : undefined;
    });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.createdBy).toBe(`runbook:${runbook.body.id}`);
    expect(jobs[0]!.createdAt).toBeGreaterThanOrEqual(endsAt);
    const job = (await collector.api('GET', `/api/v1/jobs/${jobs[0]!.id}`)).body as Job;
    expect(job.runs[0]).toMatchObject({ agentId, exitCode: 0, stdout: 'remediated mem\n' });
    expect((await collector.api('GET', `/api/v1/alerts/${alert.id}`)).body.maintenanceWindowId).toBeNull();
    expect(hooksAbout(alert.id).map((h) => h.body.event)).toEqual(['released']);
  });

  it('marks an alert already open when a window starts as in maintenance, and releases it with its deadlines moved by the time held', async () => {
    const rule = await collector.api('POST', '/api/v1/rules', { name: 'Load before patching', metric: 'cpu.load1', op: '>=', threshold: 0, priority: 'P4' });
    expect(rule.status).toBe(201);
    const opened = await feed.next('alert.opened before the window', (m) => m.type === 'alert.opened' && m.alert.ruleId === rule.body.id);
    const alert = (opened as { alert: Alert }).alert;
    expect(alert).toMatchObject({ agentId, state: 'open', maintenanceWindowId: null });
    // Paged before the window: the receiver has the open before the window is even made.
    const [firing] = await waitFor('the opened webhook', () => hooksAbout(alert.id).length > 0 && hooksAbout(alert.id));
    expect(firing!.body).toMatchObject({ event: 'opened', alerts: [{ id: alert.id, maintenanceWindowId: null }] });

    // A window covering just this agent, starting a moment from now.
    const now = Date.now();
    const window = await collector.api('POST', '/api/v1/maintenance-windows', {
      name: 'Kernel update', scope: { agentIds: [agentId] }, startsAt: now + 3_000, endsAt: now + 9_000,
    });
    expect(window.status).toBe(201);
    const { startsAt, endsAt } = window.body as { startsAt: number; endsAt: number };

    const marked = await feed.next('alert.updated marking it in maintenance', (m) => m.type === 'alert.updated' && m.alert.id === alert.id && m.alert.maintenanceWindowId !== null);
    expect((marked as { alert: Alert }).alert).toMatchObject({ state: 'open', maintenanceWindowId: window.body.id });
    expect((marked as { alert: Alert }).alert.updatedAt).toBeGreaterThanOrEqual(startsAt);
    expect((await collector.api('GET', `/api/v1/alerts/${alert.id}`)).body.maintenanceWindowId).toBe(window.body.id);

    const released = await feed.next('alert.released at the window end', (m) => m.type === 'alert.released' && m.alert.id === alert.id);
    const after = (released as { alert: Alert }).alert;
    expect(after).toMatchObject({ state: 'open', maintenanceWindowId: null });
    expect(after.updatedAt).toBeGreaterThanOrEqual(endsAt);
    // Held from the window's start until the release: both deadlines moved on by exactly that long.
    const heldMs = after.updatedAt - startsAt;
    expect(after.respondBy! - alert.respondBy!).toBe(heldMs);
    expect(after.resolveBy! - alert.resolveBy!).toBe(heldMs);

    // Nothing while the window held it; then the news that it is still failing.
    const news = await waitFor('the released webhook', () => hooksAbout(alert.id).length > 1 && hooksAbout(alert.id));
    expect(news.map((h) => h.body.event)).toEqual(['opened', 'released']);
    expect(news[1]!.body).toMatchObject({ summary: expect.stringContaining('Still failing after maintenance: Load before patching') });
    expect(news[1]!.body.alerts[0]).toMatchObject({ id: alert.id, from: 'maintenance', maintenanceWindowId: null, respondBy: after.respondBy });
    expect(news[1]!.body.sentAt).toBeGreaterThanOrEqual(endsAt);

    expect((await collector.api('DELETE', `/api/v1/rules/${rule.body.id}`)).status).toBe(204);
  });
});
