import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuleInput, Sample } from '@vigil/shared';
import type { AlertEvents } from '../alerts/alert-events.js';
import type { AlertService, EvaluatedAgent } from '../alerts/alert-service.js';
import { CollectorMetrics } from '../metrics/collector-metrics.js';
import { openAlertHarness, silentLog } from '../testing/alert-harness.js';
import type { openTempStore } from '../testing/temp-store.js';
import { NotificationChannels } from './channels.js';
import { NotificationDispatcher } from './dispatcher.js';
import { until } from '../testing/until.js';

const web: EvaluatedAgent = { agentId: 'agt_web', tenantId: 'acme', siteId: 'hq', tags: [], os: 'linux', hostname: 'web-1' };
const diskRule: RuleInput = {
  name: 'Disk full', metric: 'disk.used_pct', labels: {}, op: '>', threshold: 90, clearThreshold: null, forSamples: 1,
  priority: 'P2', scope: {}, runbookId: null, enabled: true,
};
const disk = (value: number): Sample => ({ metric: 'disk.used_pct', value, labels: { mount: '/' } });

interface Hook { event: string; alerts: Array<{ id: string; state: string; suppressedBy: string | null }> }

/**
 * The alert service and the dispatcher together on one store, with a webhook receiver: what a
 * receiver hears when alerts are held (agent offline) and released, and across a restart.
 */
describe('notification dispatcher: resolves owed and holds released', () => {
  let temp: ReturnType<typeof openTempStore>;
  let events: AlertEvents;
  let service: AlertService;
  let receiver: Server;
  let url: string;
  let hooks: Hook[];
  let clock: number;
  const running: NotificationDispatcher[] = [];

  beforeEach(async () => {
    ({ temp, events, service } = openAlertHarness([web]));
    hooks = [];
    clock = 1_000_000;
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => { hooks.push(JSON.parse(body) as Hook); res.writeHead(204).end(); });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });

  afterEach(async () => {
    for (const d of running.splice(0)) await d.stop();
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    temp.cleanup();
  });

  function startDispatcher(channels = new NotificationChannels(temp.store)): NotificationChannels {
    const d = new NotificationDispatcher({ store: temp.store, channels, events, metrics: new CollectorMetrics(), log: silentLog, now: () => clock, baseUrl: () => 'http://vigil.test' });
    running.push(d);
    d.start();
    return channels;
  }

  function addChannel(channels: NotificationChannels): void {
    channels.create({
      kind: 'webhook', name: 'noc', target: { url }, groupWait: '0s', groupInterval: '0s', repeatInterval: '4h', enabled: true,
      filters: { scope: {}, minPriority: 'P4', levels: [1], events: ['opened', 'released', 'resolved'] },
    }, clock);
  }

  const heard = (event: string, alertId: string) => hooks.filter((h) => h.event === event && h.alerts.some((a) => a.id === alertId));

  it('sends the resolve of a paged alert that is resolved while its agent is offline', async () => {
    addChannel(startDispatcher());
    service.createRule(diskRule, clock);
    service.evaluate([{ agent: web, samples: [disk(95)] }], clock);
    const alertId = temp.store.alerts.list({ agentId: web.agentId })[0]!.id;
    await until('the open', () => heard('opened', alertId).length === 1);

    clock += 60_000;
    service.evaluatePresence(web, false, clock);
    expect(temp.store.alerts.get(alertId)!.suppressedBy).not.toBeNull();
    clock += 60_000;
    service.resolveByHand(alertId, 'alice', 'replaced the disk', clock);

    const [resolved] = await until('the resolve', () => heard('resolved', alertId).length === 1 && heard('resolved', alertId));
    expect(resolved!.alerts[0]).toMatchObject({ id: alertId, state: 'resolved' });
    expect(temp.store.notifications.listAnnouncements().filter((a) => a.alertId === alertId)).toEqual([]);
  });

  it('announces an alert that opened while its agent was offline once the agent is back and it still fires, and sends nothing of one that cleared meanwhile', async () => {
    addChannel(startDispatcher());
    service.createRule(diskRule, clock);
    service.evaluatePresence(web, false, clock);
    service.evaluate([{ agent: web, samples: [disk(95)] }], clock);
    const alertId = temp.store.alerts.list({ agentId: web.agentId }).find((a) => a.metric === 'disk.used_pct')!.id;
    const offlineId = temp.store.alerts.list({ agentId: web.agentId }).find((a) => a.metric === 'agent.online')!.id;
    // The outage pages; the alert it suppresses does not.
    await until('the offline alert', () => heard('opened', offlineId).length === 1);
    expect(heard('opened', alertId)).toEqual([]);

    clock += 60_000;
    service.evaluatePresence(web, true, clock);
    const [released] = await until('the release', () => heard('released', alertId).length === 1 && heard('released', alertId));
    expect(released!.alerts[0]).toMatchObject({ id: alertId, state: 'open', suppressedBy: null });
    await until('the offline alert resolved', () => heard('resolved', offlineId).length === 1);

    // Offline again (the same offline alert re-opens); an alert opening now and resolved before the agent returns reaches no one.
    clock += 60_000;
    service.evaluatePresence(web, false, clock);
    service.createRule({ ...diskRule, name: 'Disk nearly full', threshold: 80 }, clock);
    service.evaluate([{ agent: web, samples: [disk(95)] }], clock);
    const quiet = temp.store.alerts.list({ agentId: web.agentId }).find((a) => a.ruleName === 'Disk nearly full')!;
    expect(quiet.suppressedBy).toBe(offlineId);
    await until('the offline alert again', () => heard('opened', offlineId).length === 2);
    service.resolveByHand(quiet.id, 'alice', null, clock);
    clock += 60_000;
    service.evaluatePresence(web, true, clock);
    // Everything before the offline alert's resolve went through the planner before it.
    await until('the offline alert resolved again', () => heard('resolved', offlineId).length === 2);
    expect(hooks.filter((h) => h.alerts.some((a) => a.id === quiet.id))).toEqual([]);
  });

  it('after a restart, still sends the resolve of an alert announced before it that resolved while notifications were down', async () => {
    const channels = startDispatcher();
    addChannel(channels);
    service.createRule(diskRule, clock);
    service.evaluate([{ agent: web, samples: [disk(95)] }], clock);
    const alertId = temp.store.alerts.list({ agentId: web.agentId })[0]!.id;
    await until('the open', () => heard('opened', alertId).length === 1);
    await running.pop()!.stop();

    // Resolved with nobody listening: without the resolve the receiver keeps its incident open for good.
    clock += 60_000;
    service.resolveByHand(alertId, 'alice', null, clock);
    expect(hooks.filter((h) => h.event === 'resolved')).toEqual([]);
    expect(temp.store.notifications.listAnnouncements()).toMatchObject([{ alertId, kinds: { firing: expect.any(Number) } }]);

    clock += 60_000;
    startDispatcher(new NotificationChannels(temp.store));
    await until('the resolve owed', () => heard('resolved', alertId).length === 1);
    expect(temp.store.notifications.listAnnouncements()).toEqual([]);
  });
});
