import { describe, expect, it } from 'vitest';
import { computeKpis, type KpiAlert } from './kpi.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

const alert = (over: Partial<KpiAlert>): KpiAlert => ({
  priority: 'P2', metric: 'disk.used_pct', openedAt: 0, firstAcknowledgedAt: null, resolvedAt: null, resolvedBy: null,
  respondBy: 30 * M, respondBreachedAt: null, resolveBreachedAt: null, remediated: false, ...over,
});

describe('computeKpis', () => {
  it('matches a scenario worked out by hand', () => {
    const report = computeKpis({
      tenant: 'acme',
      from: 0,
      to: 10 * D,
      alerts: [
        // P1: acknowledged after 10 min, resolved by hand after 2 h, within both clocks.
        alert({ priority: 'P1', metric: 'cpu.usage_pct', openedAt: 1 * D, firstAcknowledgedAt: 1 * D + 10 * M, resolvedAt: 1 * D + 2 * H, resolvedBy: 'alice', respondBy: 1 * D + 15 * M }),
        // P1: never acknowledged, the response clock breached; resolved automatically after 1 h by its runbook.
        alert({ priority: 'P1', metric: 'disk.used_pct', openedAt: 2 * D, resolvedAt: 2 * D + 1 * H, resolvedBy: 'auto', respondBy: 2 * D + 15 * M, respondBreachedAt: 2 * D + 15 * M, remediated: true }),
        // P3: acknowledged after 30 min, cleared by itself after 4 h.
        alert({ priority: 'P3', metric: 'disk.free_bytes', openedAt: 3 * D, firstAcknowledgedAt: 3 * D + 30 * M, resolvedAt: 3 * D + 4 * H, resolvedBy: 'auto', respondBy: 3 * D + 2 * H }),
        // P4: still open, no SLA clocks stamped.
        alert({ priority: 'P4', metric: 'agent.online', openedAt: 9 * D, respondBy: null }),
        // Outside the period: ignored.
        alert({ priority: 'P1', openedAt: 11 * D }),
      ],
      agents: [
        // Online all 10 days.
        { changes: [{ online: true, at: -1 * D }], revokedAt: null },
        // Online from day 0, offline for one day (day 4 to 5).
        { changes: [{ online: true, at: -1 * D }, { online: false, at: 4 * D }, { online: true, at: 5 * D }], revokedAt: null },
        // Never connected.
        { changes: [], revokedAt: null },
      ],
      patches: [{ securityPendingSince: null }, { securityPendingSince: 9 * D }, { securityPendingSince: -20 * D }],
      securityPatchMaxAgeMs: 14 * D,
    }, 42);

    expect(report.alerts).toEqual({ total: 4, byPriority: { P1: 2, P2: 0, P3: 1, P4: 1 }, bySource: { cpu: 1, disk: 2, agent: 1 } });
    // Three alerts had clocks; one breached → 2 of 3.
    expect(report.slaCompliancePct).toBe(66.67);
    expect(report.byPriority.P1).toEqual({ alerts: 2, meanTimeToAcknowledgeMs: 10 * M, meanTimeToResolveMs: (2 * H + 1 * H) / 2, slaCompliancePct: 50 });
    expect(report.byPriority.P3).toEqual({ alerts: 1, meanTimeToAcknowledgeMs: 30 * M, meanTimeToResolveMs: 4 * H, slaCompliancePct: 100 });
    expect(report.byPriority.P2).toEqual({ alerts: 0, meanTimeToAcknowledgeMs: null, meanTimeToResolveMs: null, slaCompliancePct: null });
    // Three of the four alerts resolved (the P4 is still open); one of them, the second P1, by its
    // runbook: 1 / 3 = 33.33 %. Not 1 of the 2 resolved automatically (50 %): the share is of every
    // resolved alert, those a person resolved included.
    expect(report.autoRemediatedPct).toBe(33.33);
    // 10 + 9 online days over 20 monitored days.
    expect(report.agentAvailabilityPct).toBe(95);
    expect(report.agents).toEqual({ monitored: 2, patchStatusKnown: 3 });
    // Pending for 1 day is fine; pending for 30 days by the period's end is not.
    expect(report.patchCompliancePct).toBe(66.67);
    expect(report.generatedAt).toBe(42);
  });

  it('says null rather than 0 % when there is nothing to measure', () => {
    const report = computeKpis({ tenant: null, from: 0, to: D, alerts: [], agents: [], patches: [], securityPatchMaxAgeMs: D }, 0);
    expect(report).toMatchObject({ slaCompliancePct: null, autoRemediatedPct: null, agentAvailabilityPct: null, patchCompliancePct: null });
  });

  it('counts as auto-remediated the resolved alerts a runbook fixed, of all resolved alerts', () => {
    const alerts = [
      // Resolved by its runbook's verify stage: fixed without a person.
      alert({ openedAt: D, resolvedAt: D + H, resolvedBy: 'runbook:rbk_1', remediated: true }),
      // Its runbook succeeded, then the rule engine saw the value clear: fixed without a person.
      alert({ openedAt: D, resolvedAt: D + H, resolvedBy: 'auto', remediated: true }),
      // Cleared by itself, no runbook.
      alert({ openedAt: D, resolvedAt: D + H, resolvedBy: 'auto' }),
      // A runbook ran, yet a person resolved it.
      alert({ openedAt: D, resolvedAt: D + H, resolvedBy: 'alice', remediated: true }),
      // Resolved by hand without a runbook.
      alert({ openedAt: D, resolvedAt: D + H, resolvedBy: 'bob' }),
      // Still open: not in the share either way.
      alert({ openedAt: D }),
    ];
    const report = computeKpis({ tenant: null, from: 0, to: 2 * D, alerts, agents: [], patches: [], securityPatchMaxAgeMs: D }, 0);
    // Two fixed by a runbook of five resolved: 2 / 5 = 40 %.
    expect(report.autoRemediatedPct).toBe(40);
  });

  it('says 0 %, not null, when alerts resolved and none by a runbook', () => {
    const alerts = [alert({ openedAt: D, resolvedAt: D + H, resolvedBy: 'alice' }), alert({ openedAt: D })];
    const report = computeKpis({ tenant: null, from: 0, to: 2 * D, alerts, agents: [], patches: [], securityPatchMaxAgeMs: D }, 0);
    expect(report.autoRemediatedPct).toBe(0);
  });
});
