/**
 * The KPI report over a scenario played by a real collector and a real agent, within a tenant
 * whose P1 response target is two seconds:
 * - a P1 memory alert nobody answers, so its response clock breaches; its runbook succeeds and the
 *   condition then clears, so it resolves automatically, remediated;
 * - a P3 load alert, acknowledged and resolved by hand within its clocks;
 * - the agent stopped for a while: the built-in "Agent offline" alert (P2) opens when it goes
 *   offline and resolves itself when it is back, and availability drops below 100 %.
 * The expected figures are worked out here from the instants the collector recorded, read back
 * through the alerts API, independently of the report code.
 */
import type { Alert, JobList, KpiReport } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const OFFLINE_RULE_ID = 'rul_agent_offline';
const P1_RESPOND_MS = 2_000;

/** A percentage as the report gives it: two decimals, half up. */
const reportedPercent = (part: number, whole: number): number => Math.round(((100 * part) / whole) * 100) / 100;

describe('KPI report', () => {
  const tmp = makeTempDir('kpi');
  let collector: TestCollector;
  let agent: Child | undefined;
  let agentId: string;

  beforeAll(async () => {
    // Unheard of for 2 s once disconnected, an agent is offline (connected agents get two heartbeats).
    collector = await startTestCollector(`${tmp.path}/data`, ['--offline-after', '2s']);
    agentId = await enrollAgent(collector.url, await collector.enrollToken('kpi', 'hq'), `${tmp.path}/agent`);
    agent = runAgent(`${tmp.path}/agent`, '1s');
    await waitFor('the agent streaming', async () => (await collector.api('GET', `/api/v1/agents/${agentId}`)).body.lastSeq > 1);
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  const alerts = async (): Promise<Alert[]> => (await collector.api('GET', '/api/v1/alerts?tenant=kpi')).body.alerts as Alert[];
  const alertOf = async (ruleId: string): Promise<Alert | undefined> => (await alerts()).find((a) => a.ruleId === ruleId);

  it('matches figures computed by hand from the instants the collector recorded', { timeout: 90_000 }, async () => {
    const policy = await collector.api('PUT', '/api/v1/tenants/kpi/sla-policy', { priorities: { P1: { respond: `${P1_RESPOND_MS}ms`, resolve: '1h' } } });
    expect(policy.status).toBe(200);
    const from = Date.now();

    const script = await collector.api('POST', '/api/v1/scripts', { name: 'Free memory', shell: 'bash', body: 'echo freed\n', timeoutSec: 30, os: ['linux'] });
    const runbook = await collector.api('POST', '/api/v1/runbooks', { name: 'Free memory', scriptId: script.body.id });
    const fixed = await collector.api('POST', '/api/v1/rules', { name: 'Memory used', metric: 'mem.used_pct', op: '>=', threshold: 0, priority: 'P1', runbookId: runbook.body.id, scope: { tenant: 'kpi' } });
    const handled = await collector.api('POST', '/api/v1/rules', { name: 'Load seen', metric: 'cpu.load1', op: '>=', threshold: 0, priority: 'P3', scope: { tenant: 'kpi' } });
    expect([fixed.status, handled.status]).toEqual([201, 201]);

    // The memory alert: left unanswered past its response target, fixed by its runbook.
    const first = await waitFor('the memory alert', () => alertOf(fixed.body.id));
    await waitFor('its runbook run succeeded', async () => {
      const { jobs } = (await collector.api('GET', '/api/v1/jobs')).body as JobList;
      return (jobs.find((j) => j.alertId === first.id)?.counts.succeeded ?? 0) > 0;
    });
    await waitFor('its response clock breached', async () => (await alertOf(fixed.body.id))?.respondBreachedAt !== null);
    // The condition clears (as if the runbook fixed it): resolved automatically.
    await collector.api('PATCH', `/api/v1/rules/${fixed.body.id}`, { threshold: 101 });
    await waitFor('the memory alert resolved automatically', async () => (await alertOf(fixed.body.id))?.resolvedBy === 'auto');

    // The load alert: acknowledged, then resolved by hand.
    const second = await waitFor('the load alert', () => alertOf(handled.body.id));
    await new Promise((r) => setTimeout(r, 50));
    expect((await collector.api('POST', `/api/v1/alerts/${second.id}/ack`, { comment: 'on it' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect((await collector.api('POST', `/api/v1/alerts/${second.id}/resolve`, {})).status).toBe(200);
    await collector.api('PATCH', `/api/v1/rules/${handled.body.id}`, { enabled: false });

    // The agent away: offline once unheard of for the threshold, online again when it reconnects.
    await agent!.stop();
    agent = undefined;
    await waitFor('the agent offline alert', () => alertOf(OFFLINE_RULE_ID));
    agent = runAgent(`${tmp.path}/agent`, '1s');
    await waitFor('the agent offline alert resolved on its return', async () => (await alertOf(OFFLINE_RULE_ID))?.resolvedAt != null);
    const to = Date.now() + 1;

    const recorded = await alerts();
    expect(recorded).toHaveLength(3);
    const memory = recorded.find((a) => a.ruleId === fixed.body.id)!;
    const load = recorded.find((a) => a.ruleId === handled.body.id)!;
    const offline = recorded.find((a) => a.ruleId === OFFLINE_RULE_ID)!;
    const telemetry = (await collector.api('GET', `/api/v1/agents/${agentId}/telemetry?metric=patch.security_pending`)).body.samples as Array<{ value: number }>;
    const report = await collector.api<KpiReport>('GET', `/api/v1/reports/kpi?tenant=kpi&from=${from}&to=${to}&securityPatchMaxAge=1ms`);
    expect(report.status).toBe(200);

    // What the collector recorded, and so what the figures below rest on: the memory alert breached
    // its response clock at its 2 s target and nothing else breached; only the load alert was
    // acknowledged; the memory and offline alerts resolved by themselves, the load alert by hand.
    expect(memory).toMatchObject({ priority: 'P1', metric: 'mem.used_pct', acknowledgedAt: null, resolvedBy: 'auto', resolveBreachedAt: null });
    expect(memory.respondBy! - memory.openedAt).toBe(P1_RESPOND_MS);
    expect(memory.respondBreachedAt).toBe(memory.respondBy);
    expect(memory.resolvedAt!).toBeGreaterThan(memory.respondBy!);
    expect(load).toMatchObject({ priority: 'P3', metric: 'cpu.load1', respondBreachedAt: null, resolveBreachedAt: null });
    expect(load.acknowledgedAt).not.toBeNull();
    expect(load.resolvedBy).not.toBe('auto');
    expect(offline).toMatchObject({ priority: 'P2', metric: 'agent.online', acknowledgedAt: null, resolvedBy: 'auto', respondBreachedAt: null, resolveBreachedAt: null });
    expect(offline.respondBy).not.toBeNull();

    // Availability: the agent was online when the period began (it connected before `from`) and
    // offline exactly while its offline alert was open, which opened and resolved at the recorded
    // presence changes.
    const offlineMs = offline.resolvedAt! - offline.openedAt;
    expect(offlineMs).toBeGreaterThan(0);
    const periodMs = to - from;

    const { generatedAt, patchCompliancePct, agents, ...figures } = report.body;
    expect(figures).toEqual({
      tenant: 'kpi',
      from,
      to,
      alerts: { total: 3, byPriority: { P1: 1, P2: 1, P3: 1, P4: 0 }, bySource: { mem: 1, cpu: 1, agent: 1 } },
      // All three alerts had SLA clocks; the memory alert breached one: 2 of 3.
      slaCompliancePct: reportedPercent(2, 3),
      byPriority: {
        P1: { alerts: 1, meanTimeToAcknowledgeMs: null, meanTimeToResolveMs: memory.resolvedAt! - memory.openedAt, slaCompliancePct: 0 },
        P2: { alerts: 1, meanTimeToAcknowledgeMs: null, meanTimeToResolveMs: offlineMs, slaCompliancePct: 100 },
        P3: { alerts: 1, meanTimeToAcknowledgeMs: load.acknowledgedAt! - load.openedAt, meanTimeToResolveMs: load.resolvedAt! - load.openedAt, slaCompliancePct: 100 },
        P4: { alerts: 0, meanTimeToAcknowledgeMs: null, meanTimeToResolveMs: null, slaCompliancePct: null },
      },
      // Three resolved; only the memory alert by its runbook: 1 of 3.
      autoRemediatedPct: reportedPercent(1, 3),
      agentAvailabilityPct: reportedPercent(periodMs - offlineMs, periodMs),
    });
    expect(figures.agentAvailabilityPct).toBeLessThan(100);
    expect(agents.monitored).toBe(1);
    expect(generatedAt).toBeGreaterThanOrEqual(to - 1);
    // With a one-millisecond allowance, any pending security patch makes the agent non-compliant;
    // without a patch source on this machine the status is unknown and the figure null, not 0.
    const lastSecurity = telemetry.at(-1)?.value;
    expect(patchCompliancePct).toBe(lastSecurity === undefined ? null : lastSecurity > 0 ? 0 : 100);

    const bad = await collector.api('GET', `/api/v1/reports/kpi?tenant=kpi&from=${to}&to=${from}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/to/);
  });
});
