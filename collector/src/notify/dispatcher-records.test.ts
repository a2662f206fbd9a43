import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationEvent, RuleInput, Sample } from '@vigil/shared';
import { AlertEvents } from '../alerts/alert-events.js';
import type { EvaluatedAgent } from '../alerts/alert-service.js';
import { CollectorMetrics } from '../metrics/collector-metrics.js';
import { openAlertHarness } from '../testing/alert-harness.js';
import { alertFixture } from '../testing/alerts.js';
import { openTempStore } from '../testing/temp-store.js';
import { NotificationChannels } from './channels.js';
import { NotificationDispatcher, type DispatcherOptions } from './dispatcher.js';
import { until } from '../testing/until.js';

interface Hook { path: string; id: string; event: string; alertIds: string[] }

const RECORDING_FAILED = 'recording notifications failed; none sent, retrying';

/**
 * The dispatcher on a real SQLite store with an injected clock, against a local webhook receiver:
 * a flush records its deliveries and the announcements they make in one transaction (a failure in
 * either writes neither, sends nothing, and the flush is retried), and a channel whose only news
 * of an alert finally failed is not owed its resolve.
 */
describe('notification dispatcher: deliveries and announcements recorded together', () => {
  let temp: ReturnType<typeof openTempStore>;
  let receiver: Server;
  let url: string;
  let hooks: Hook[];
  /** Which requests the receiver answers 500. */
  let refuse: (hook: Hook) => boolean;
  let errors: string[];
  let clock: number;
  const running: NotificationDispatcher[] = [];

  beforeEach(async () => {
    temp = openTempStore();
    hooks = [];
    errors = [];
    refuse = () => false;
    clock = 1_000_000;
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { id: string; event: string; alerts: Array<{ id: string }> };
        const hook = { path: req.url ?? '', id: parsed.id, event: parsed.event, alertIds: parsed.alerts.map((a) => a.id) };
        hooks.push(hook);
        res.writeHead(refuse(hook) ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const d of running.splice(0)) await d.stop();
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    temp.cleanup();
  });

  function start(events: AlertEvents, options: DispatcherOptions = {}, channels = new NotificationChannels(temp.store)): NotificationChannels {
    const log = pino({ level: 'error' }, { write: (line: string) => { errors.push((JSON.parse(line) as { msg: string }).msg); } });
    const d = new NotificationDispatcher(
      { store: temp.store, channels, events, metrics: new CollectorMetrics(), log, now: () => clock, baseUrl: () => 'http://vigil.test' },
      { flushRetryMs: 20, queue: { attempts: 2, startingDelayMs: 1, maxDelayMs: 1 }, ...options },
    );
    running.push(d);
    d.start();
    return channels;
  }

  function webhook(channels: NotificationChannels, path: string, events: NotificationEvent[] = ['opened', 'escalated', 'resolved']): string {
    return channels.create({
      kind: 'webhook', name: path, target: { url: `${url}${path}` }, groupWait: '0s', groupInterval: '0s', repeatInterval: '4h', enabled: true,
      filters: { scope: {}, minPriority: 'P4', levels: [1, 2], events },
    }, clock).channel.id;
  }

  /** Makes every insert into `table` fail as a full disk would; returns the undo. */
  function refuseInserts(table: 'notification_deliveries' | 'notification_announcements'): () => void {
    temp.store.db.exec(`CREATE TRIGGER refuse_${table} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    return () => temp.store.db.exec(`DROP TRIGGER refuse_${table}`);
  }

  const deliveries = () => temp.store.notifications.listDeliveries({ limit: 100 });
  const sentTo = (path: string, event: string, alertId: string) => hooks.filter((h) => h.path === path && h.event === event && h.alertIds.includes(alertId) && !refuse(h));

  it('stores no announcement when the delivery cannot be recorded, sends nothing, and sends it all on a retry once it can', async () => {
    const events = new AlertEvents();
    const channelId = webhook(start(events), '/noc');
    const allow = refuseInserts('notification_deliveries');
    events.publish({ type: 'alert.opened', alert: alertFixture({ id: 'alr_1' }) });
    // Retried, and failing again: still nothing on record, nothing sent.
    await until('two failed flushes', () => errors.filter((m) => m === RECORDING_FAILED).length >= 2);
    expect(deliveries()).toEqual([]);
    expect(temp.store.notifications.listAnnouncements()).toEqual([]);
    // An event while the retry waits joins the groups and goes out with it.
    events.publish({ type: 'alert.opened', alert: alertFixture({ id: 'alr_2', ruleId: 'rul_2' }) });
    await new Promise((r) => setTimeout(r, 50));
    expect(hooks).toEqual([]);

    allow();
    await until('both sent on the retry', () => deliveries().filter((d) => d.status === 'sent').length === 2);
    expect(hooks.map((h) => [h.event, h.alertIds]).sort()).toEqual([['opened', ['alr_1']], ['opened', ['alr_2']]]);
    expect(temp.store.notifications.listAnnouncements().sort((a, b) => a.alertId.localeCompare(b.alertId))).toEqual([
      { channelId, alertId: 'alr_1', kinds: { firing: clock } },
      { channelId, alertId: 'alr_2', kinds: { firing: clock } },
    ]);
  });

  it('rolls the delivery record back when the announcement cannot be recorded, so that nothing is sent until both can be', async () => {
    const events = new AlertEvents();
    const channelId = webhook(start(events), '/noc');
    const allow = refuseInserts('notification_announcements');
    events.publish({ type: 'alert.opened', alert: alertFixture({ id: 'alr_1' }) });
    await until('a failed flush', () => errors.includes(RECORDING_FAILED));
    // The delivery was written first in the same transaction: gone with the announcement.
    expect(deliveries()).toEqual([]);
    expect(temp.store.notifications.listAnnouncements()).toEqual([]);
    expect(hooks).toEqual([]);

    allow();
    const [sent] = await until('the retry sent', () => deliveries().filter((d) => d.status === 'sent').length === 1 && deliveries());
    expect(sent).toMatchObject({ channelId, event: 'opened', alertIds: ['alr_1'], attempts: 1 });
    expect(hooks).toEqual([{ path: '/noc', id: sent!.id, event: 'opened', alertIds: ['alr_1'] }]);
    expect(temp.store.notifications.listAnnouncements()).toEqual([{ channelId, alertId: 'alr_1', kinds: { firing: clock } }]);
  });

  it('owes no resolve to a channel whose only news of the alert finally failed, and still owes it to one that heard it', async () => {
    const events = new AlertEvents();
    const channels = start(events);
    const down = webhook(channels, '/down');
    const noc = webhook(channels, '/noc');
    refuse = (h) => h.path === '/down';
    events.publish({ type: 'alert.opened', alert: alertFixture({ id: 'alr_1' }) });
    await until('the open given up on /down', () => deliveries().some((d) => d.channelId === down && d.status === 'failed'));
    expect(hooks.filter((h) => h.path === '/down').map((h) => h.event)).toEqual(['opened', 'opened']);
    expect(temp.store.notifications.listAnnouncements().map((a) => a.channelId)).toEqual([noc]);

    events.publish({ type: 'alert.resolved', alert: alertFixture({ id: 'alr_1', state: 'resolved', resolvedAt: clock, resolvedBy: 'auto' }) });
    await until('the resolve on /noc', () => sentTo('/noc', 'resolved', 'alr_1').length === 1);
    // Planned from the same event as /noc's resolve: /down's was decided by now.
    expect(deliveries().filter((d) => d.channelId === down).map((d) => [d.event, d.status])).toEqual([['opened', 'failed']]);
    expect(hooks.some((h) => h.path === '/down' && h.event === 'resolved')).toBe(false);
    expect(temp.store.notifications.listAnnouncements()).toEqual([]);
  });

  it('still owes the resolve when later news of an alert the channel heard finally fails', async () => {
    const events = new AlertEvents();
    const channelId = webhook(start(events), '/noc');
    refuse = (h) => h.event === 'escalated';
    events.publish({ type: 'alert.opened', alert: alertFixture({ id: 'alr_1' }) });
    await until('the open', () => sentTo('/noc', 'opened', 'alr_1').length === 1);
    clock += 60_000;
    events.publish({ type: 'alert.escalated', alert: alertFixture({ id: 'alr_1', escalationLevel: 2, escalatedAt: clock }), level: 2 });
    await until('the escalation given up on', () => deliveries().some((d) => d.event === 'escalated' && d.status === 'failed'));
    expect(temp.store.notifications.listAnnouncements()).toMatchObject([{ channelId, alertId: 'alr_1' }]);

    events.publish({ type: 'alert.resolved', alert: alertFixture({ id: 'alr_1', state: 'resolved', resolvedAt: clock, resolvedBy: 'auto' }) });
    await until('the resolve', () => sentTo('/noc', 'resolved', 'alr_1').length === 1);
  });

  it('keeps the resolve owed while the firing news is pending across a restart, and owes none once it expired unsent', async () => {
    const web: EvaluatedAgent = { agentId: 'agt_web', tenantId: 'acme', siteId: 'hq', tags: [], os: 'linux', hostname: 'web-1' };
    const diskRule: RuleInput = {
      name: 'Disk full', metric: 'disk.used_pct', labels: {}, op: '>', threshold: 90, clearThreshold: null, forSamples: 1,
      priority: 'P2', scope: {}, runbookId: null, enabled: true,
    };
    const disk: Sample = { metric: 'disk.used_pct', value: 95, labels: { mount: '/' } };
    temp.cleanup();
    const harness = openAlertHarness([web]);
    temp = harness.temp;
    refuse = () => true;
    // The retry sleeps far longer than the test: the delivery stays pending.
    const slow: DispatcherOptions = { queue: { attempts: 5, startingDelayMs: 3_600_000, maxDelayMs: 3_600_000 }, resumeMaxAgeMs: 86_400_000 };
    const channelId = webhook(start(harness.events, slow), '/noc');
    harness.service.createRule(diskRule, clock);
    harness.service.evaluate([{ agent: web, samples: [disk] }], clock);
    const alertId = temp.store.alerts.list({ agentId: web.agentId })[0]!.id;
    await until('the first attempt', () => hooks.length === 1);
    await running.pop()!.stop();

    // Restarted an hour later: still pending, so still possibly on its way; the channel stays owed.
    clock += 3_600_000;
    start(harness.events, slow);
    await until('the attempt after the restart', () => hooks.length === 2);
    expect(temp.store.notifications.listAnnouncements()).toMatchObject([{ channelId, alertId }]);
    await running.pop()!.stop();

    // Restarted after the delivery expired: never sent, so the channel never heard the alert fire.
    clock += 86_400_000;
    start(harness.events, slow);
    expect(deliveries()).toMatchObject([{ status: 'failed', lastError: 'expired: still pending when the collector restarted' }]);
    expect(temp.store.notifications.listAnnouncements()).toEqual([]);
    harness.service.resolveByHand(alertId, 'alice', null, clock);
    refuse = () => false;
    // The resolve is planned on the next turn; nothing reaches the channel.
    await new Promise((r) => setTimeout(r, 50));
    expect(hooks).toHaveLength(2);
    expect(deliveries()).toHaveLength(1);
  });
});

describe('notification delivery history', () => {
  it('prunes old finished deliveries but keeps the firing news of an alert whose channel is still owed its resolve', () => {
    const temp = openTempStore();
    try {
      const { notifications } = temp.store;
      const batch = (alertId: string) => ({ channelId: 'nch_1', tenantId: 'acme', ruleId: 'rul_1', event: 'opened', items: [{ alert: alertFixture({ id: alertId }), event: 'opened' }] });
      for (const [id, alertId, status] of [['ntf_owed', 'alr_open', 'sent'], ['ntf_done', 'alr_gone', 'sent'], ['ntf_failed', 'alr_open', 'failed']] as const) {
        notifications.insertDelivery({ id, channelId: 'nch_1', event: 'opened', alertIds: [alertId], batch: batch(alertId), at: 1000 });
        notifications.recordAttempt(id, { status, error: null, at: 1000 });
      }
      notifications.saveAnnouncement({ channelId: 'nch_1', alertId: 'alr_open', kinds: { firing: 1000 } }, 1000);

      expect(notifications.pruneFinished(2000)).toBe(2);
      expect(notifications.listDeliveries({ limit: 10 }).map((d) => d.id)).toEqual(['ntf_owed']);
      expect(notifications.hasFiringNews('nch_1', 'alr_open')).toBe(true);
      expect(notifications.hasFiringNews('nch_1', 'alr_gone')).toBe(false);
      expect(notifications.hasFiringNews('nch_2', 'alr_open')).toBe(false);
    } finally {
      temp.cleanup();
    }
  });
});
