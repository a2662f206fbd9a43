import pino from 'pino';
import type { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertEvents, type AlertEvent } from '../alerts/alert-events.js';
import { AlertService, type EvaluatedAgent } from '../alerts/alert-service.js';
import { AgentConnection } from '../gateway/agent-connection.js';
import { ConnectionRegistry } from '../gateway/connection-registry.js';
import { CollectorMetrics } from '../metrics/collector-metrics.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { LivenessMonitor } from './liveness-monitor.js';
import { DEFAULT_LIVENESS_CONFIG, type LivenessConfig } from './types.js';

const silent = pino({ level: 'silent' });
const config: LivenessConfig = { ...DEFAULT_LIVENESS_CONFIG, heartbeatMs: 1_000, restartGraceMs: 10_000 };
const agent = (id: string, siteId = 'hq'): EvaluatedAgent => ({ agentId: id, tenantId: 'acme', siteId, tags: ['server'], os: 'linux', hostname: `${id}-host` });
const HQ = ['agt_1', 'agt_2', 'agt_3', 'agt_4'];

describe('site-wide outage (liveness monitor + alert service + SQLite)', () => {
  let temp: ReturnType<typeof openTempStore>;
  let clock: number;
  let registry: ConnectionRegistry;
  let seen: AlertEvent[];
  let events: AlertEvents;
  let monitors: LivenessMonitor[];
  let connections: Map<string, AgentConnection>;
  let service: AlertService;
  let metrics: CollectorMetrics;

  const startMonitor = (): LivenessMonitor => {
    registry = new ConnectionRegistry();
    const alerts = new AlertService(temp.store, events, silent);
    service = alerts;
    metrics = new CollectorMetrics();
    const monitor = new LivenessMonitor({ store: temp.store, registry, alerts, metrics, log: silent, now: () => clock }, config, 3_600_000);
    monitors.push(monitor);
    return monitor;
  };
  const connect = (id: string, siteId = 'hq') => {
    const c = new AgentConnection(agent(id, siteId), {} as WebSocket, clock, 1_000);
    connections.set(id, c);
    registry.add(c);
  };
  /** The agents drop off; the others keep talking; one sweep once their 3 s threshold has passed. */
  const goOffline = (monitor: LivenessMonitor, ...ids: string[]) => {
    for (const id of ids) registry.remove(connections.get(id)!);
    clock += 3_000;
    for (const c of registry.all()) c.lastHeardAt = clock;
    monitor.sweep();
  };
  const sitesGauge = async () => (await metrics.sitesOffline.get()).values[0]?.value;
  const unresolved = (metric: string) => temp.store.alerts.list({ state: 'active' }).filter((a) => a.metric === metric);
  const offlineAlertOf = (agentId: string) => unresolved('agent.online').find((a) => a.agentId === agentId)!;

  beforeEach(() => {
    temp = openTempStore();
    for (const id of HQ) seedAgent(temp.store, id);
    seedAgent(temp.store, 'agt_lab1', { siteId: 'lab' });
    seedAgent(temp.store, 'agt_lab2', { siteId: 'lab' });
    clock = 1_000_000;
    events = new AlertEvents();
    seen = [];
    events.subscribe((e) => seen.push(e));
    monitors = [];
    connections = new Map();
  });
  afterEach(() => {
    for (const monitor of monitors) monitor.stop();
    temp.cleanup();
  });

  it('3 of 4 offline: one site alert suppresses their offline alerts; 2 of 4 is not most: it resolves and the rest page again', async () => {
    const monitor = startMonitor();
    for (const id of HQ) connect(id);
    goOffline(monitor, 'agt_1', 'agt_2');
    expect(unresolved('site.online')).toEqual([]);
    expect(unresolved('agent.online').map((a) => a.suppressedBy)).toEqual([null, null]);
    seen.length = 0;

    goOffline(monitor, 'agt_3');
    const [site] = unresolved('site.online');
    expect(await sitesGauge()).toBe(1);
    expect(site).toMatchObject({
      ruleId: 'rul_site_offline', ruleName: 'Site offline', agentId: '', hostname: '', tenantId: 'acme', siteId: 'hq',
      priority: 'P1', openValue: 0, op: '<', threshold: 1, suppressedBy: null, state: 'open',
    });
    for (const id of ['agt_1', 'agt_2', 'agt_3']) expect(offlineAlertOf(id).suppressedBy).toBe(site!.id);
    // The site alert first; the alerts already open are updated; the new one opens suppressed.
    expect(seen.map((e) => [e.type, e.alert.metric, e.alert.agentId, e.alert.suppressedBy])).toEqual([
      ['alert.opened', 'site.online', '', null],
      ['alert.updated', 'agent.online', expect.any(String), site!.id],
      ['alert.updated', 'agent.online', expect.any(String), site!.id],
      ['alert.opened', 'agent.online', 'agt_3', site!.id],
    ]);
    seen.length = 0;

    clock += 1_000;
    connect('agt_3');
    expect(temp.store.alerts.get(site!.id)).toMatchObject({ state: 'resolved', resolvedBy: 'auto', value: 1 });
    expect(await sitesGauge()).toBe(0);
    expect(offlineAlertOf('agt_1').suppressedBy).toBeNull();
    expect(offlineAlertOf('agt_2').suppressedBy).toBeNull();
    // agt_3's alert resolved while still suppressed (it never paged), then the site alert.
    expect(seen.map((e) => [e.type, e.alert.metric, e.alert.agentId, e.alert.suppressedBy])).toEqual([
      ['alert.resolved', 'agent.online', 'agt_3', site!.id],
      ['alert.resolved', 'site.online', '', null],
      // Still offline with the site back: the offline alerts of agt_1 and agt_2 page now, each
      // released right after the update that lifted its suppression.
      ['alert.updated', 'agent.online', expect.any(String), null],
      ['alert.released', 'agent.online', expect.any(String), null],
      ['alert.updated', 'agent.online', expect.any(String), null],
      ['alert.released', 'agent.online', expect.any(String), null],
    ]);
    const lifted = seen.slice(2).map((e) => e.alert.agentId);
    expect([lifted[0], lifted[2]].sort()).toEqual(['agt_1', 'agt_2']);
    expect([lifted[1], lifted[3]]).toEqual([lifted[0], lifted[2]]);
  });

  it('agents going offline in the same sweep open suppressed, and so do later ones while the site is down', () => {
    const monitor = startMonitor();
    for (const id of HQ) connect(id);
    connect('agt_lab1', 'lab');
    goOffline(monitor, 'agt_1', 'agt_2', 'agt_3');
    const [site] = unresolved('site.online');
    expect(seen.filter((e) => e.type === 'alert.opened').map((e) => [e.alert.metric, e.alert.suppressedBy])).toEqual([
      ['site.online', null], ['agent.online', site!.id], ['agent.online', site!.id], ['agent.online', site!.id],
    ]);
    expect(seen.filter((e) => e.type === 'alert.updated')).toEqual([]);

    goOffline(monitor, 'agt_4', 'agt_lab1');
    expect(offlineAlertOf('agt_4').suppressedBy).toBe(site!.id);
    // Another site is not part of this outage.
    expect(offlineAlertOf('agt_lab1').suppressedBy).toBeNull();
    expect(unresolved('site.online')).toHaveLength(1);
  });

  it('never counts a site with fewer offline agents than the minimum, even all of them', () => {
    const monitor = startMonitor();
    connect('agt_lab1', 'lab');
    connect('agt_lab2', 'lab');
    goOffline(monitor, 'agt_lab1', 'agt_lab2');
    expect(unresolved('agent.online')).toHaveLength(2);
    expect(unresolved('site.online')).toEqual([]);
  });

  it('keeps the outage across a collector restart and resolves it when enough agents are back', () => {
    const first = startMonitor();
    for (const id of HQ) connect(id);
    goOffline(first, 'agt_1', 'agt_2', 'agt_3');
    const [site] = unresolved('site.online');
    first.stop();

    clock += 1_000;
    startMonitor();
    connect('agt_1');
    expect(temp.store.alerts.get(site!.id)!.state).toBe('resolved');
    expect(offlineAlertOf('agt_2').suppressedBy).toBeNull();
  });

  it('lifts the suppression when the site alert is resolved by hand, and does not raise it again before the site changes', () => {
    const monitor = startMonitor();
    for (const id of HQ) connect(id);
    connect('agt_lab1', 'lab');
    goOffline(monitor, 'agt_1', 'agt_2', 'agt_3');
    const [site] = unresolved('site.online');
    service.resolveByHand(site!.id, 'ops', null, clock);
    expect(unresolved('agent.online').map((a) => a.suppressedBy)).toEqual([null, null, null]);

    goOffline(monitor, 'agt_lab1');
    expect(unresolved('site.online')).toEqual([]);
    goOffline(monitor, 'agt_4');
    expect(unresolved('site.online')).toHaveLength(1);
  });

  it('keeps an agent\'s other alerts suppressed by its own offline alert', () => {
    const monitor = startMonitor();
    const alerts = new AlertService(temp.store, events, silent);
    alerts.createRule({ name: 'Disk full', metric: 'disk.used_pct', labels: {}, op: '>', threshold: 90, clearThreshold: null, forSamples: 1, priority: 'P3', scope: {}, runbookId: null, enabled: true }, clock);
    for (const id of HQ) connect(id);
    // A second service on the same store shares it; the monitor's own one opens the offline alerts.
    alerts.evaluate([{ agent: agent('agt_1'), samples: [{ metric: 'disk.used_pct', value: 95, labels: { mount: '/' } }] }], clock);
    const disk = unresolved('disk.used_pct')[0]!;
    goOffline(monitor, 'agt_1', 'agt_2', 'agt_3');
    expect(temp.store.alerts.get(disk.id)!.suppressedBy).toBe(offlineAlertOf('agt_1').id);
  });
});
