/**
 * Liveness with real processes on loopback: a real collector that calls an agent offline after
 * 3 s of silence, and two real agents reporting every second. A SIGKILLed agent goes offline: its
 * `agent.online` alert opens on the live feed and its other alerts are suppressed, while the
 * agent still running stays online; restarted, it is online again, the offline alert resolves
 * and the suppression is lifted. A collector restart with the agents running pages nobody.
 * Revoking an agent that is offline resolves its alerts on the feed and stops counting it offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertFeedMessage } from '@vigil/shared';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import { openFeed, type FeedClient } from '../helpers/alert-feed.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const OFFLINE_AFTER = ['--offline-after', '3s'];

interface RunningAgent { id: string; stateDir: string; child: Child }

describe('agent liveness: offline detection, the agent.online alert and dependency suppression', () => {
  const tmp = makeTempDir('liveness');
  const dataDir = `${tmp.path}/data`;
  let collector: TestCollector;
  let feed: FeedClient | undefined;
  const agents: { a?: RunningAgent; b?: RunningAgent } = {};

  const agentDetail = async (id: string) => (await collector.api('GET', `/api/v1/agents/${id}`)).body;
  const lastSeq = async (id: string): Promise<number> => (await agentDetail(id)).lastSeq;
  /** Waits on the agent's own progress rather than on the clock. */
  const framesLater = async (id: string, frames: number): Promise<void> => {
    const from = await lastSeq(id);
    await waitFor(`${frames} more frames from ${id}`, async () => (await lastSeq(id)) >= from + frames);
  };
  const offlineGauge = async (): Promise<number> => {
    const res = await fetch(`${collector.url}/metrics`, { headers: { authorization: `Bearer ${collector.adminToken}` } });
    const match = /^vigil_agents_offline (\d+)$/m.exec(await res.text());
    if (!match) throw new Error('no vigil_agents_offline in /metrics');
    return Number(match[1]);
  };
  const alertOf = (m: AlertFeedMessage): Alert | undefined => (m.type === 'snapshot' ? undefined : m.alert);

  beforeAll(async () => {
    collector = await startTestCollector(dataDir, OFFLINE_AFTER);
    const token = await collector.enrollToken('acme', 'hq', ['--tags', 'server', '--max-uses', '2']);
    for (const name of ['a', 'b'] as const) {
      const stateDir = `${tmp.path}/agent-${name}`;
      const id = await enrollAgent(collector.url, token, stateDir);
      agents[name] = { id, stateDir, child: runAgent(stateDir, '1s') };
    }
    for (const agent of [agents.a!, agents.b!]) {
      await waitFor(`agent ${agent.id} online with a stored frame`, async () => {
        const detail = await agentDetail(agent.id);
        return detail.online && detail.presence === 'online' && detail.lastSeq > 0;
      });
    }
  });

  afterAll(async () => {
    feed?.close();
    for (const agent of [agents.a, agents.b]) await agent?.child.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('raises no offline alert when the collector restarts with the agents running', async () => {
    const port = new URL(collector.url).port;
    await collector.stop();
    // Down for longer than the offline threshold: judged by what was heard before the stop, both
    // agents would be overdue the moment the collector is back.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    collector = await startTestCollector(dataDir, [...OFFLINE_AFTER, '--port', port]);

    for (const agent of [agents.a!, agents.b!]) {
      await waitFor(`agent ${agent.id} reconnected`, async () => (await agentDetail(agent.id)).online);
    }
    // Longer than the threshold again, with both agents reporting.
    for (const agent of [agents.a!, agents.b!]) await framesLater(agent.id, 4);

    const { body } = await collector.api('GET', '/api/v1/alerts?metric=agent.online');
    expect((body.alerts as Alert[]).filter((a) => a.metric === 'agent.online')).toEqual([]);
    for (const agent of [agents.a!, agents.b!]) expect((await agentDetail(agent.id)).presence).toBe('online');
    expect(await offlineGauge()).toBe(0);
  });

  it('takes a killed agent offline with an agent.online alert that suppresses its other alerts, and brings it back', async () => {
    const a = agents.a!;
    const b = agents.b!;
    feed = await openFeed(collector.wsUrl, collector.adminToken);
    // Real memory in use is always above zero: both agents breach at once.
    const rule = await collector.api('POST', '/api/v1/rules', {
      name: 'Memory in use', metric: 'mem.used_pct', op: '>', threshold: 0, forSamples: 1, priority: 'P3', scope: { tenant: 'acme' },
    });
    expect(rule.status).toBe(201);
    const memoryAlert = async (agentId: string): Promise<Alert> =>
      alertOf(await feed!.next(`memory alert of ${agentId}`, (m) => m.type === 'alert.opened' && m.alert.ruleId === rule.body.id && m.alert.agentId === agentId))!;
    const memoryA = await memoryAlert(a.id);
    const memoryB = await memoryAlert(b.id);
    expect(memoryA.suppressedBy).toBeNull();

    await a.child.stop('SIGKILL');
    const offline = alertOf(await feed.next('the offline alert of the killed agent', (m) => m.type === 'alert.opened' && m.alert.metric === 'agent.online' && m.alert.agentId === a.id))!;
    expect(offline).toMatchObject({ ruleId: 'rul_agent_offline', ruleName: 'Agent offline', priority: 'P2', state: 'open', value: 0, suppressedBy: null, tenantId: 'acme' });
    const suppressed = alertOf(await feed.next('the memory alert suppressed', (m) => m.type === 'alert.updated' && m.alert.id === memoryA.id))!;
    expect(suppressed).toMatchObject({ state: 'open', suppressedBy: offline.id });
    expect(await agentDetail(a.id)).toMatchObject({ online: false, presence: 'offline' });
    expect((await collector.api('GET', `/api/v1/alerts/${memoryA.id}`)).body.suppressedBy).toBe(offline.id);
    expect(await offlineGauge()).toBe(1);

    // The other agent, still reporting for longer than the threshold, is untouched.
    await framesLater(b.id, 4);
    expect(await agentDetail(b.id)).toMatchObject({ online: true, presence: 'online' });
    expect(feed.messages.filter((m) => alertOf(m)?.agentId === b.id && alertOf(m)?.metric === 'agent.online')).toEqual([]);
    expect((await collector.api('GET', `/api/v1/alerts/${memoryB.id}`)).body).toMatchObject({ state: 'open', suppressedBy: null });

    a.child = runAgent(a.stateDir, '1s');
    const resolved = alertOf(await feed.next('the offline alert resolved', (m) => m.type === 'alert.resolved' && m.alert.id === offline.id))!;
    expect(resolved).toMatchObject({ state: 'resolved', resolvedBy: 'auto', value: 1 });
    const lifted = alertOf(await feed.next('the suppression lifted', (m) => m.type === 'alert.updated' && m.alert.id === memoryA.id && m.alert.suppressedBy === null))!;
    // Still breaching, so the memory alert stays open, now evaluated as usual.
    expect(lifted.state).toBe('open');
    expect(await agentDetail(a.id)).toMatchObject({ online: true, presence: 'online' });
    await framesLater(a.id, 2);
    expect((await collector.api('GET', `/api/v1/alerts/${memoryA.id}`)).body).toMatchObject({ state: 'open', suppressedBy: null });
    expect(await offlineGauge()).toBe(0);
  });

  it('resolves every alert of an offline agent when it is revoked, and no longer counts it offline', async () => {
    const b = agents.b!;
    feed ??= await openFeed(collector.wsUrl, collector.adminToken);
    const memoryB = ((await collector.api('GET', `/api/v1/alerts?agentId=${b.id}&state=active`)).body.alerts as Alert[]).find((x) => x.metric === 'mem.used_pct')!;
    expect(memoryB).toMatchObject({ suppressedBy: null });

    await b.child.stop('SIGKILL');
    const offline = alertOf(await feed.next('the offline alert of the killed agent', (m) => m.type === 'alert.opened' && m.alert.metric === 'agent.online' && m.alert.agentId === b.id))!;
    await feed.next('its memory alert suppressed', (m) => m.type === 'alert.updated' && m.alert.id === memoryB.id && m.alert.suppressedBy === offline.id);
    expect(await agentDetail(b.id)).toMatchObject({ online: false, presence: 'offline' });
    expect(await offlineGauge()).toBe(1);

    // A revoked agent cannot reconnect: nothing but the revocation can close what it left open.
    expect((await collector.api('DELETE', `/api/v1/agents/${b.id}`)).status).toBe(204);
    const resolvedOffline = alertOf(await feed.next('the offline alert resolved', (m) => m.type === 'alert.resolved' && m.alert.id === offline.id))!;
    const resolvedMemory = alertOf(await feed.next('the memory alert resolved', (m) => m.type === 'alert.resolved' && m.alert.id === memoryB.id))!;
    for (const resolved of [resolvedOffline, resolvedMemory]) expect(resolved).toMatchObject({ state: 'resolved', resolvedBy: 'admin (agent revoked)' });
    expect((await collector.api('GET', `/api/v1/alerts?agentId=${b.id}&state=active`)).body.alerts).toEqual([]);
    expect(await offlineGauge()).toBe(0);
    expect(await agentDetail(b.id)).toMatchObject({ online: false, presence: 'unknown', revokedAt: expect.any(Number) });
    const listed = ((await collector.api('GET', '/api/v1/agents')).body.agents as Array<{ id: string; presence: string }>).find((x) => x.id === b.id);
    expect(listed).toMatchObject({ presence: 'unknown' });

    // Still so after a collector restart; the other agent is untouched.
    const port = new URL(collector.url).port;
    feed.close();
    feed = undefined;
    await collector.stop();
    collector = await startTestCollector(dataDir, [...OFFLINE_AFTER, '--port', port]);
    await waitFor('the other agent reconnected', async () => (await agentDetail(agents.a!.id)).online);
    await framesLater(agents.a!.id, 4);
    expect(await agentDetail(b.id)).toMatchObject({ presence: 'unknown' });
    expect(await agentDetail(agents.a!.id)).toMatchObject({ presence: 'online' });
    expect(await offlineGauge()).toBe(0);
  });
});
