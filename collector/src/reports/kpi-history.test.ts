import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuleInput, Sample } from '@vigil/shared';
import { AlertEvents, type AlertEvent } from '../alerts/alert-events.js';
import { AlertService, type EvaluatedAgent } from '../alerts/alert-service.js';
import { SlaClock } from '../sla/sla-clock.js';
import { SlaPolicies } from '../sla/sla-policies.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { computeKpis } from './kpi.js';

const silent = pino({ level: 'silent' });
const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

const agent = (agentId: string): EvaluatedAgent => ({ agentId, tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux', hostname: agentId });
const cpuRule: RuleInput = {
  name: 'CPU pegged', metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90, clearThreshold: null, forSamples: 1,
  priority: 'P1', scope: {}, runbookId: null, enabled: true,
};
const cpu = (value: number): Sample[] => [{ metric: 'cpu.usage_pct', value, labels: {} }];

describe('the KPI report over alerts whose acknowledgement lapsed or that re-opened (store, alert service, SLA clock)', () => {
  let temp: ReturnType<typeof openTempStore>;
  let alerts: AlertService;
  let clock: SlaClock;
  const ids = new Map<string, string>();

  beforeEach(() => {
    ids.clear();
    temp = openTempStore();
    for (const id of ['agt_a', 'agt_b', 'agt_c']) seedAgent(temp.store, id, { tenantId: 'acme' });
    const events = new AlertEvents();
    events.subscribe((e: AlertEvent) => { if (e.type === 'alert.opened') ids.set(e.alert.agentId, e.alert.id); });
    clock = new SlaClock({ store: temp.store, events, policies: new SlaPolicies(temp.store), log: silent, now: () => T0 });
    alerts = new AlertService(temp.store, events, silent, { beforeOpen: [clock.beforeOpen], onReopen: [(id, at) => { clock.restart(id, at); }] });
    alerts.createRule(cpuRule, T0 - H);
  });
  afterEach(() => {
    clock.stop();
    temp.cleanup();
  });

  const sample = (agentIds: string[], value: number, at: number) => alerts.evaluate(agentIds.map((id) => ({ agent: agent(id), samples: cpu(value) })), at);
  const alertOf = (agentId: string) => temp.store.alerts.get(ids.get(agentId)!)!;

  it('times the first acknowledgement and keeps an earlier occurrence\'s breach', () => {
    sample(['agt_a', 'agt_b', 'agt_c'], 99, T0);
    // a: acknowledged at 5 min for 20 min; it lapses at 25 min and a resolves at 35 min, inside
    // the fresh response window the lapse opened (by 40 min), unacknowledged.
    alerts.acknowledge(alertOf('agt_a').id, 'alice', null, T0 + 5 * MIN, 20 * MIN);
    // b: acknowledged at 10 min, resolved at 20 min, re-opened at 30 min, acknowledged again at 40 min.
    alerts.acknowledge(alertOf('agt_b').id, 'bob', null, T0 + 10 * MIN);
    // c: its response breaches at 15 min; resolved at 20 min, re-opened at 30 min and acknowledged in time at 31 min.
    clock.tick(T0 + 15 * MIN);
    sample(['agt_b', 'agt_c'], 10, T0 + 20 * MIN);
    expect(alerts.tick(T0 + 25 * MIN)).toBe(1);
    sample(['agt_b', 'agt_c'], 99, T0 + 30 * MIN);
    alerts.acknowledge(alertOf('agt_c').id, 'carol', null, T0 + 31 * MIN);
    sample(['agt_a'], 10, T0 + 35 * MIN);
    alerts.acknowledge(alertOf('agt_b').id, 'bob', null, T0 + 40 * MIN);
    clock.tick(T0 + 2 * H);

    expect(alertOf('agt_a')).toMatchObject({ state: 'resolved', acknowledgedAt: null, respondBreachedAt: null });
    expect(alertOf('agt_b')).toMatchObject({ occurrences: 2, acknowledgedAt: T0 + 40 * MIN, respondBreachedAt: null });
    expect(alertOf('agt_c')).toMatchObject({ occurrences: 2, acknowledgedAt: T0 + 31 * MIN, respondBreachedAt: T0 + 15 * MIN });

    const scope = { tenantId: 'acme', from: T0, to: T0 + 24 * H };
    const report = computeKpis({ tenant: 'acme', from: scope.from, to: scope.to, alerts: temp.store.reports.alertsOpened(scope), agents: [], patches: [], securityPatchMaxAgeMs: H }, T0 + 2 * H);
    expect(report.byPriority.P1).toEqual({
      alerts: 3,
      // First acknowledgements, from each alert's opening: 5, 10 and 31 min.
      meanTimeToAcknowledgeMs: (5 + 10 + 31) * MIN / 3,
      meanTimeToResolveMs: 35 * MIN,
      // c answered its second occurrence in time, but its first breached: 2 of 3 within SLA.
      slaCompliancePct: 66.67,
    });
  });

  it('still counts as breached an alert whose breach a later occurrence\'s breach replaced', () => {
    sample(['agt_a'], 99, T0);
    clock.tick(T0 + 15 * MIN);
    sample(['agt_a'], 10, T0 + 20 * MIN);
    sample(['agt_a'], 99, T0 + 30 * MIN);
    clock.tick(T0 + 45 * MIN);
    expect(alertOf('agt_a')).toMatchObject({ respondBy: T0 + 45 * MIN, respondBreachedAt: T0 + 45 * MIN });
    const scope = { tenantId: 'acme', from: T0, to: T0 + H };
    const report = computeKpis({ tenant: 'acme', from: scope.from, to: scope.to, alerts: temp.store.reports.alertsOpened(scope), agents: [], patches: [], securityPatchMaxAgeMs: H }, T0 + H);
    expect(report.slaCompliancePct).toBe(0);
  });
});
