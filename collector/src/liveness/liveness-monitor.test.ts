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
const agent = (id: string): EvaluatedAgent => ({ agentId: id, tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux', hostname: `${id}-host` });
// The monitor reads only the agent and lastHeardAt of a connection; it never touches the socket.
const connection = (id: string, now: number, intervalMs: number | null = 1_000) => new AgentConnection(agent(id), {} as WebSocket, now, intervalMs);

describe('LivenessMonitor (registry + store + rule engine)', () => {
  let temp: ReturnType<typeof openTempStore>;
  let clock: number;
  let registry: ConnectionRegistry;
  let metrics: CollectorMetrics;
  let seen: AlertEvent[];
  let events: AlertEvents;
  let monitors: LivenessMonitor[];

  const startMonitor = (): LivenessMonitor => {
    registry = new ConnectionRegistry();
    const alerts = new AlertService(temp.store, events, silent);
    // A sweep period no test reaches: every sweep here is called by hand at a chosen time.
    const monitor = new LivenessMonitor({ store: temp.store, registry, alerts, metrics, log: silent, now: () => clock }, config, 3_600_000);
    monitors.push(monitor);
    return monitor;
  };
  const offlineGauge = async () => (await metrics.agentsOffline.get()).values[0]?.value;

  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, 'agt_a');
    seedAgent(temp.store, 'agt_b');
    clock = 1_000_000;
    metrics = new CollectorMetrics();
    events = new AlertEvents();
    seen = [];
    events.subscribe((e) => seen.push(e));
    monitors = [];
  });
  afterEach(() => {
    for (const monitor of monitors) monitor.stop();
    temp.cleanup();
  });

  it('records presence, raises the offline alert through the engine, and resolves it at the reconnect', async () => {
    const monitor = startMonitor();
    const a = connection('agt_a', clock);
    const b = connection('agt_b', clock);
    registry.add(a);
    registry.add(b);
    expect(monitor.presenceOf('agt_a')).toBe('online');
    expect(temp.store.presence.history('agt_a')).toEqual([{ agentId: 'agt_a', online: true, at: clock }]);

    registry.remove(a);
    clock += 2_999;
    b.lastHeardAt = clock;
    monitor.sweep();
    expect(monitor.presenceOf('agt_a')).toBe('online');
    clock += 1;
    monitor.sweep();
    expect(monitor.presenceOf('agt_a')).toBe('offline');
    expect(monitor.presenceOf('agt_b')).toBe('online');
    expect(seen.map((e) => [e.type, e.alert.agentId, e.alert.metric])).toEqual([['alert.opened', 'agt_a', 'agent.online']]);
    expect(await offlineGauge()).toBe(1);

    clock += 5_000;
    registry.add(connection('agt_a', clock));
    expect(seen.map((e) => e.type)).toEqual(['alert.opened', 'alert.resolved']);
    expect(temp.store.presence.history('agt_a').map((c) => c.online)).toEqual([true, false, true]);
    expect(await offlineGauge()).toBe(0);
  });

  it('persists the announced interval and last-seen time, so a restarted collector knows them before the agent is back', () => {
    const first = startMonitor();
    const a = connection('agt_a', clock, 2_000);
    registry.add(a);
    a.lastHeardAt = clock + 500;
    registry.remove(a);
    first.stop();
    expect(temp.store.agents.get('agt_a')!.lastSeenAt).toBe(clock + 500);

    clock += 60_000;
    const second = startMonitor();
    // Restart grace: 10 s for agents to reconnect, although their own threshold (6 s) has long passed.
    clock += 9_999;
    second.sweep();
    expect(seen).toEqual([]);
    clock += 1;
    second.sweep();
    expect(second.presenceOf('agt_a')).toBe('offline');
    expect(seen.map((e) => e.type)).toEqual(['alert.opened']);

    // Offline before the restart: stays offline, without a second alert, until it reconnects.
    second.stop();
    clock += 60_000;
    const third = startMonitor();
    third.sweep();
    expect(third.presenceOf('agt_a')).toBe('offline');
    registry.add(connection('agt_a', clock));
    expect(seen.map((e) => e.type)).toEqual(['alert.opened', 'alert.resolved']);
  });

  it('forgets a revoked agent that is already offline: presence unknown, gauge back, nothing more from it', async () => {
    const monitor = startMonitor();
    const a = connection('agt_a', clock);
    registry.add(a);
    registry.remove(a);
    clock += 3_000;
    monitor.sweep();
    expect(monitor.presenceOf('agt_a')).toBe('offline');
    expect(await offlineGauge()).toBe(1);

    // No connection left to close: only the revocation itself can tell the monitor.
    temp.store.agents.revoke('agt_a', clock);
    monitor.forget('agt_a');
    expect(monitor.presenceOf('agt_a')).toBe('unknown');
    expect(await offlineGauge()).toBe(0);
    clock += 1_000_000;
    monitor.sweep();
    expect(temp.store.presence.history('agt_a').map((c) => c.online)).toEqual([true, false]);
    expect(seen.map((e) => e.type)).toEqual(['alert.opened']);
  });

  it('records a change with its alert or not at all, publishes after the commit, and retries at the next sweep', async () => {
    const monitor = startMonitor();
    const a = connection('agt_a', clock);
    registry.add(a);
    registry.remove(a);
    const insert = temp.store.alerts.insert.bind(temp.store.alerts);
    temp.store.alerts.insert = () => { throw new Error('disk I/O error'); };
    clock += 3_000;
    monitor.sweep();
    expect(temp.store.presence.history('agt_a').map((c) => c.online)).toEqual([true]);
    expect(seen).toEqual([]);
    expect(monitor.presenceOf('agt_a')).toBe('online');
    expect(await offlineGauge()).toBe(0);

    temp.store.alerts.insert = insert;
    clock += 1_000;
    monitor.sweep();
    expect(temp.store.presence.history('agt_a')).toEqual([{ agentId: 'agt_a', online: true, at: 1_000_000 }, { agentId: 'agt_a', online: false, at: clock }]);
    expect(seen.map((e) => [e.type, e.alert.metric, e.alert.openedAt])).toEqual([['alert.opened', 'agent.online', clock]]);
    expect(await offlineGauge()).toBe(1);

    // Back: "online" must not be recorded while the offline alert stays open (after a restart the
    // reconnect would not be a change, and the alert would stay open for good).
    const resolve = temp.store.alerts.resolve.bind(temp.store.alerts);
    temp.store.alerts.resolve = () => { throw new Error('disk I/O error'); };
    clock += 5_000;
    const back = connection('agt_a', clock);
    registry.add(back);
    expect(temp.store.presence.history('agt_a').map((c) => c.online)).toEqual([true, false]);
    expect(seen).toHaveLength(1);
    expect(temp.store.alerts.list({ state: 'active' }).map((x) => x.metric)).toEqual(['agent.online']);

    temp.store.alerts.resolve = resolve;
    clock += 500;
    back.lastHeardAt = clock;
    monitor.sweep();
    expect(temp.store.presence.history('agt_a').map((c) => c.online)).toEqual([true, false, true]);
    expect(seen.map((e) => e.type)).toEqual(['alert.opened', 'alert.resolved']);
    expect(monitor.presenceOf('agt_a')).toBe('online');
    expect(await offlineGauge()).toBe(0);
  });

  it('stops watching an agent once it is revoked', () => {
    const monitor = startMonitor();
    const a = connection('agt_a', clock);
    registry.add(a);
    temp.store.agents.revoke('agt_a', clock);
    registry.remove(a);
    clock += 1_000_000;
    monitor.sweep();
    expect(monitor.presenceOf('agt_a')).toBe('unknown');
    expect(seen).toEqual([]);
  });
});
