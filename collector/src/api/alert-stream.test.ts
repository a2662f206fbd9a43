import { AlertFeedMessageSchema, type AlertFeedMessage } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { toPublicAlert } from '../alerts/to-public.js';
import { NEW_ALERT_LIFECYCLE, type AlertRecord } from '../store/index.js';
import { startTenantWorld, type TenantWorld, type TestCaller } from '../testing/tenant-callers.js';
import { STREAM_UNAUTHORIZED } from './alert-stream.js';

interface Feed { messages: AlertFeedMessage[]; closed: Promise<{ code: number; reason: string }>; socket: WebSocket }

async function openFeed(world: TenantWorld, caller: TestCaller): Promise<Feed> {
  const socket = new WebSocket(`${world.collector.url.replace(/^http/, 'ws')}/api/v1/alerts/stream?token=${encodeURIComponent(caller.token)}`);
  const messages: AlertFeedMessage[] = [];
  const snapshot = new Promise<void>((resolve) => socket.on('message', (data) => {
    messages.push(AlertFeedMessageSchema.parse(JSON.parse(data.toString())));
    resolve();
  }));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => { socket.once('open', () => resolve()); socket.once('error', reject); });
  await snapshot;
  return { messages, closed, socket };
}

function until(predicate: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (predicate() ? resolve() : setTimeout(check, 10));
    check();
  });
}

describe('the alert stream across tenants', () => {
  let world: TenantWorld;
  let owner: TestCaller;
  let acme: TestCaller;
  const alerts = new Map<string, AlertRecord>();
  const feeds: Feed[] = [];

  const alertOf = (tenantId: string, id: string): AlertRecord => {
    const agentId = world.agent(tenantId);
    const record: AlertRecord = {
      ...NEW_ALERT_LIFECYCLE, id, seriesKey: `rul_x|${agentId}|{}`, ruleId: 'rul_x', ruleName: 'x', agentId, hostname: 'h', tenantId, siteId: 'hq',
      metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90, priority: 'P3', state: 'open', openValue: 95, value: 95, openedAt: 1, updatedAt: 1,
      acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, comment: null, suppressedBy: null,
    };
    world.store.alerts.insert(record);
    alerts.set(id, record);
    return record;
  };
  const open = async (caller: TestCaller) => {
    const feed = await openFeed(world, caller);
    feeds.push(feed);
    return feed;
  };

  beforeAll(async () => {
    world = await startTenantWorld();
    owner = world.caller('owner', []);
    acme = world.caller('viewer', ['acme']);
    alertOf('acme', 'alr_acme');
    alertOf('globex', 'alr_globex');
  });
  afterAll(async () => {
    for (const feed of feeds) feed.socket.terminate();
    await world?.close();
  });

  it('sends each subscriber the snapshot and events of its own tenants only', async () => {
    const acmeFeed = await open(acme);
    const ownerFeed = await open(owner);
    const snapshotIds = (feed: Feed) => (feed.messages[0] as Extract<AlertFeedMessage, { type: 'snapshot' }>).alerts.map((a) => a.id).sort();
    expect(snapshotIds(acmeFeed)).toEqual(['alr_acme']);
    expect(snapshotIds(ownerFeed)).toEqual(['alr_acme', 'alr_globex']);

    const publish = (id: string) => world.collector.context.alertEvents.publish({ type: 'alert.updated', alert: toPublicAlert(alerts.get(id)!) });
    publish('alr_globex');
    publish('alr_acme');
    const events = (feed: Feed) => feed.messages.slice(1).map((m) => ('alert' in m ? m.alert.id : m.type));
    // Both events went out in order: once the owner has the second, the viewer has had its chance at both.
    await until(() => ownerFeed.messages.length >= 3);
    await until(() => acmeFeed.messages.length >= 2);
    expect(events(ownerFeed)).toEqual(['alr_globex', 'alr_acme']);
    expect(events(acmeFeed)).toEqual(['alr_acme']);
  });

  it('closes the stream at once when its token is revoked', async () => {
    const feed = await open(acme);
    const other = await open(owner);
    expect((await world.call(acme, 'DELETE', `/api/v1/tokens/${acme.tokenId}`)).status).toBe(204);
    expect(await feed.closed).toEqual({ code: STREAM_UNAUTHORIZED, reason: 'token revoked' });
    expect(other.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('closes the stream when its token expires', async () => {
    const shortLived = world.caller('viewer', ['acme'], Date.now() + 1500);
    const feed = await open(shortLived);
    expect(await feed.closed).toEqual({ code: STREAM_UNAUTHORIZED, reason: 'token expired' });
  });

  it('tells a subscriber to reconnect when the tenants of its user change, since it was opened with the old ones', async () => {
    const moving = world.caller('viewer', ['acme']);
    const feed = await open(moving);
    const patched = await world.call(owner, 'PATCH', `/api/v1/users/${moving.userId}`, { tenants: ['globex'] });
    expect(patched.status).toBe(200);
    expect(await feed.closed).toEqual({ code: STREAM_UNAUTHORIZED, reason: 'permissions changed; reconnect' });
    // The token itself still works, now with the new tenants.
    const reopened = await open(moving);
    expect((reopened.messages[0] as Extract<AlertFeedMessage, { type: 'snapshot' }>).alerts.map((a) => a.id)).toEqual(['alr_globex']);
  });
});
