import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '@vigil/shared';
import { AlertEvents } from '../alerts/alert-events.js';
import { CollectorMetrics } from '../metrics/collector-metrics.js';
import { openTempStore } from '../testing/temp-store.js';
import { NotificationChannels } from './channels.js';
import { NotificationDispatcher, type DispatcherOptions } from './dispatcher.js';

const silent = pino({ level: 'silent' });

function alert(id: string, ruleId = 'rul_1'): Alert {
  return {
    id, ruleId, ruleName: 'Disk full', agentId: 'agt_1', hostname: 'web-1', tenantId: 'acme', siteId: 'hq', metric: 'disk.used_pct',
    labels: {}, op: '>', threshold: 90, priority: 'P2', state: 'open', openValue: 93, value: 93, openedAt: 0, updatedAt: 0,
    acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, comment: null, occurrences: 1, flapping: false,
    ackExpiresAt: null, maintenanceWindowId: null, respondBy: null, resolveBy: null, respondBreachedAt: null, resolveBreachedAt: null,
    escalationLevel: 1, escalatedAt: null, suppressedBy: null,
  };
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function until<T>(check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('notification dispatcher against a dead endpoint', () => {
  let temp: ReturnType<typeof openTempStore>;
  let hanging: { server: Server; url: string };
  let requests: number;
  const started: NotificationDispatcher[] = [];

  beforeEach(async () => {
    temp = openTempStore();
    requests = 0;
    // Accepts every request and never answers: the worst kind of endpoint.
    hanging = await listen(() => { requests++; });
  });

  afterEach(async () => {
    for (const d of started.splice(0)) await d.stop();
    hanging.server.closeAllConnections();
    await new Promise((r) => hanging.server.close(r));
    temp.cleanup();
  });

  function dispatcher(events: AlertEvents, options: DispatcherOptions, metrics = new CollectorMetrics()): { dispatcher: NotificationDispatcher; channels: NotificationChannels; metrics: CollectorMetrics } {
    const channels = new NotificationChannels(temp.store);
    const d = new NotificationDispatcher({ store: temp.store, channels, events, metrics, log: silent, now: Date.now, baseUrl: () => 'http://vigil.test' }, options);
    started.push(d);
    return { dispatcher: d, channels, metrics };
  }

  function webhookChannel(channels: NotificationChannels, url: string): string {
    return channels.create({
      kind: 'webhook', name: 'dead', target: { url }, groupWait: '0s', groupInterval: '0s', repeatInterval: '4h', enabled: true,
      filters: { scope: {}, minPriority: 'P4', levels: [1], events: ['opened'] },
    }, Date.now()).channel.id;
  }

  it('costs the publisher nothing but a push, and bounds what waits, counting and recording what it drops', async () => {
    const events = new AlertEvents();
    const { dispatcher: d, channels, metrics } = dispatcher(events, { queue: { concurrency: 1, maxQueued: 3, attempts: 1, timeoutMs: 60_000 } });
    // One rule per alert: each its own group, its own delivery.
    const channelId = webhookChannel(channels, `${hanging.url}/hook`);
    d.start();
    for (let i = 0; i < 10; i++) events.publish({ type: 'alert.opened', alert: alert(`alr_${i}`, `rul_${i}`) });
    // Nothing was planned, stored or sent on the publisher's call stack.
    expect(temp.store.notifications.listDeliveries({ limit: 100 })).toEqual([]);
    expect(requests).toBe(0);

    await until(() => requests === 1);
    const deliveries = await until(() => {
      const all = temp.store.notifications.listDeliveries({ channelId, limit: 100 });
      return all.length === 10 ? all : undefined;
    });
    // One in flight to the dead endpoint, three waiting, six pushed out oldest first.
    const dropped = deliveries.filter((x) => x.status === 'failed');
    expect(dropped).toHaveLength(6);
    expect(dropped.every((x) => x.lastError === 'dropped: delivery queue full' && x.attempts === 0)).toBe(true);
    expect((await metrics.notificationsDropped.get()).values).toEqual([{ value: 6, labels: { queue: 'deliveries' } }]);
    expect(deliveries.filter((x) => x.status === 'pending')).toHaveLength(4);
  });

  it('on stop aborts the request in flight, keeps it pending, and a restarted dispatcher sends it', async () => {
    const events = new AlertEvents();
    const first = dispatcher(events, { queue: { attempts: 3, timeoutMs: 60_000 } });
    const channelId = webhookChannel(first.channels, `${hanging.url}/hook`);
    first.dispatcher.start();
    events.publish({ type: 'alert.opened', alert: alert('alr_1') });
    await until(() => requests === 1);
    await first.dispatcher.stop();
    const [left] = temp.store.notifications.listDeliveries({ channelId, limit: 10 });
    expect(left).toMatchObject({ status: 'pending', attempts: 1, lastError: 'stopped: the collector is shutting down' });
    // Nothing after stop: a new event is not planned.
    events.publish({ type: 'alert.opened', alert: alert('alr_2', 'rul_2') });
    await new Promise((r) => setTimeout(r, 50));
    expect(temp.store.notifications.listDeliveries({ channelId, limit: 10 })).toHaveLength(1);

    // The endpoint recovers; the channel now points at a live receiver; the next start owes it.
    const bodies: string[] = [];
    const live = await listen((req, res) => { let b = ''; req.on('data', (c) => (b += c)); req.on('end', () => { bodies.push(b); res.writeHead(200).end(); }); });
    try {
      const second = dispatcher(new AlertEvents(), {});
      second.channels.patch(channelId, { target: { url: `${live.url}/hook` } }, Date.now());
      second.dispatcher.start();
      const sent = await until(() => temp.store.notifications.getDelivery(left!.id)?.status === 'sent' && temp.store.notifications.getDelivery(left!.id));
      expect(sent).toMatchObject({ attempts: 2, alertIds: ['alr_1'] });
      expect(JSON.parse(bodies[0]!)).toMatchObject({ id: left!.id, event: 'opened', alerts: [{ id: 'alr_1' }] });
    } finally {
      live.server.closeAllConnections();
      await new Promise((r) => live.server.close(r));
    }
  });
});
