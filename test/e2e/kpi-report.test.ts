/**
 * The KPI report over a scenario played by a real collector and a real agent: one alert fixed
 * by its runbook and resolved automatically, one acknowledged and resolved by hand. The expected
 * figures are worked out here from the alerts' own timestamps, independently of the report code.
 */
import type { Alert, JobList, KpiReport } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

describe('KPI report', () => {
  const tmp = makeTempDir('kpi');
  let collector: TestCollector;
  let agent: Child;
  let agentId: string;

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
    agentId = await enrollAgent(collector.url, await collector.enrollToken('kpi', 'hq'), `${tmp.path}/agent`);
    agent = runAgent(`${tmp.path}/agent`, '1s');
    await waitFor('the agent streaming', async () => (await collector.api('GET', `/api/v1/agents/${agentId}`)).body.lastSeq > 1);
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('matches figures computed by hand from the alerts it covers', async () => {
    const from = Date.now();
    const script = await collector.api('POST', '/api/v1/scripts', { name: 'Free memory', shell: 'bash', body: 'echo freed\n', timeoutSec: 30, os: ['linux'] });
    const runbook = await collector.api('POST', '/api/v1/runbooks', { name: 'Free memory', scriptId: script.body.id });
    const fixed = await collector.api('POST', '/api/v1/rules', { name: 'Memory used', metric: 'mem.used_pct', op: '>=', threshold: 0, priority: 'P1', runbookId: runbook.body.id, scope: { tenant: 'kpi' } });
    const handled = await collector.api('POST', '/api/v1/rules', { name: 'Load seen', metric: 'cpu.load1', op: '>=', threshold: 0, priority: 'P3', scope: { tenant: 'kpi' } });
    expect([fixed.status, handled.status]).toEqual([201, 201]);

    const alertOf = async (ruleId: string): Promise<Alert | undefined> =>
      ((await collector.api('GET', '/api/v1/alerts?tenant=kpi')).body.alerts as Alert[]).find((a) => a.ruleId === ruleId);
    const first = await waitFor('the memory alert', () => alertOf(fixed.body.id));
    await waitFor('its runbook run succeeded', async () => {
      const { jobs } = (await collector.api('GET', '/api/v1/jobs')).body as JobList;
      return (jobs.find((j) => j.alertId === first.id)?.counts.succeeded ?? 0) > 0;
    });
    // The condition clears (as if the runbook fixed it): resolved automatically.
    await collector.api('PATCH', `/api/v1/rules/${fixed.body.id}`, { threshold: 101 });
    await waitFor('the memory alert resolved automatically', async () => (await alertOf(fixed.body.id))?.resolvedBy === 'auto');

    const second = await waitFor('the load alert', () => alertOf(handled.body.id));
    await new Promise((r) => setTimeout(r, 50));
    expect((await collector.api('POST', `/api/v1/alerts/${second.id}/ack`, { comment: 'on it' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect((await collector.api('POST', `/api/v1/alerts/${second.id}/resolve`, {})).status).toBe(200);
    await collector.api('PATCH', `/api/v1/rules/${handled.body.id}`, { enabled: false });
    const to = Date.now() + 1;

    const memory = (await alertOf(fixed.body.id))!;
    const load = (await alertOf(handled.body.id))!;
    const telemetry = (await collector.api('GET', `/api/v1/agents/${agentId}/telemetry?metric=patch.security_pending`)).body.samples as Array<{ value: number }>;
    const report = await collector.api<KpiReport>('GET', `/api/v1/reports/kpi?tenant=kpi&from=${from}&to=${to}&securityPatchMaxAge=1ms`);
    expect(report.status).toBe(200);

    // Worked out by hand: two alerts, one P1 from memory and one P3 from cpu; both well within
    // their SLA clocks; the P1 never acknowledged; the only automatic resolve had a succeeded
    // runbook run before it; the agent online throughout.
    expect(memory.respondBy).not.toBeNull();
    expect(report.body).toMatchObject({
      tenant: 'kpi',
      from,
      to,
      alerts: { total: 2, byPriority: { P1: 1, P2: 0, P3: 1, P4: 0 }, bySource: { mem: 1, cpu: 1 } },
      slaCompliancePct: 100,
      autoRemediatedPct: 100,
      agentAvailabilityPct: 100,
      agents: { monitored: 1 },
    });
    expect(report.body.byPriority.P1).toEqual({ alerts: 1, meanTimeToAcknowledgeMs: null, meanTimeToResolveMs: memory.resolvedAt! - memory.openedAt, slaCompliancePct: 100 });
    expect(report.body.byPriority.P3).toEqual({
      alerts: 1, meanTimeToAcknowledgeMs: load.acknowledgedAt! - load.openedAt, meanTimeToResolveMs: load.resolvedAt! - load.openedAt, slaCompliancePct: 100,
    });
    // With a one-millisecond allowance, any pending security patch makes the agent non-compliant;
    // without a patch source on this machine the status is unknown and the figure null, not 0.
    const lastSecurity = telemetry.at(-1)?.value;
    expect(report.body.patchCompliancePct).toBe(lastSecurity === undefined ? null : lastSecurity > 0 ? 0 : 100);

    const bad = await collector.api('GET', `/api/v1/reports/kpi?tenant=kpi&from=${to}&to=${from}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/to/);
  });
});
