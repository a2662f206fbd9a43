import type { KpiReport } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { overallSlaBreachedPct, priorityRows, sourcesByCount, summarizeChart } from './report-data.js';

const kpi = (alerts: number, mtta: number | null, mttr: number | null, sla: number | null) =>
  ({ alerts, meanTimeToAcknowledgeMs: mtta, meanTimeToResolveMs: mttr, slaCompliancePct: sla });

const report: KpiReport = {
  tenant: 'acme', from: 0, to: 1, generatedAt: 2,
  alerts: { total: 4, byPriority: { P1: 3, P2: 0, P3: 1, P4: 0 }, bySource: { cpu: 2, disk: 1, agent: 1 } },
  slaCompliancePct: 66.67,
  byPriority: { P1: kpi(3, 60_000, 600_000, 66.67), P2: kpi(0, null, null, null), P3: kpi(1, null, 5_000, 100), P4: kpi(0, null, null, null) },
  autoRemediatedPct: null, agentAvailabilityPct: 100, patchCompliancePct: null,
  agents: { monitored: 1, patchStatusKnown: 0 },
};

describe('priorityRows', () => {
  it('lists every priority in order with the breached share as the rest of the met one', () => {
    const rows = priorityRows(report);
    expect(rows.map((r) => r.priority)).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(rows[0]).toEqual({ priority: 'P1', alerts: 3, meanTimeToAcknowledgeMs: 60_000, meanTimeToResolveMs: 600_000, slaMetPct: 66.67, slaBreachedPct: 33.33 });
    expect(rows[1]).toMatchObject({ alerts: 0, slaMetPct: null, slaBreachedPct: null });
    expect(rows[2]).toMatchObject({ slaMetPct: 100, slaBreachedPct: 0 });
    expect(overallSlaBreachedPct(report)).toBe(33.33);
  });
});

describe('sourcesByCount', () => {
  it('puts the noisiest source first and breaks ties by name', () => {
    expect(sourcesByCount(report.alerts.bySource)).toEqual([{ source: 'cpu', count: 2 }, { source: 'agent', count: 1 }, { source: 'disk', count: 1 }]);
    expect(sourcesByCount({})).toEqual([]);
  });
});

describe('summarizeChart', () => {
  const fmt = (v: number | null) => (v === null ? '—' : String(v));

  it('reads one series as a list', () => {
    expect(summarizeChart('Alerts by priority', ['P1', 'P2'], [{ name: 'Alerts', values: [3, 0] }], fmt)).toBe('Alerts by priority: P1 3, P2 0');
  });

  it('names each series when there are several', () => {
    const series = [{ name: 'MTTA', values: [1, null] }, { name: 'MTTR', values: [2, 5] }];
    expect(summarizeChart('Response times', ['P1', 'P2'], series, fmt)).toBe('Response times: P1 MTTA 1, MTTR 2; P2 MTTA —, MTTR 5');
  });

  it('says when there is nothing', () => {
    expect(summarizeChart('Alerts by source', [], [{ name: 'Alerts', values: [] }], fmt)).toBe('Alerts by source: none');
  });
});
