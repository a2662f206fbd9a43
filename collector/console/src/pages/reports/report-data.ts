/** The KPI report reshaped for its table and charts. */
import type { KpiReport, Priority } from '@vigil/shared';

/*
 * The priorities in order. Only types come from @vigil/shared (its runtime pulls in node:crypto,
 * which the browser bundle cannot have); the Record makes the compiler flag a priority left out.
 */
const PRIORITY_SET: Readonly<Record<Priority, true>> = { P1: true, P2: true, P3: true, P4: true };
export const PRIORITIES = Object.keys(PRIORITY_SET) as readonly Priority[];

export interface PriorityRow {
  priority: Priority;
  alerts: number;
  meanTimeToAcknowledgeMs: number | null;
  meanTimeToResolveMs: number | null;
  slaMetPct: number | null;
  /** Of the alerts with SLA clocks, the share that breached one: the rest of slaMetPct. */
  slaBreachedPct: number | null;
}

const rest = (pct: number | null): number | null => (pct === null ? null : Math.round((100 - pct) * 100) / 100);

/** One row per priority, P1 first, present or not in the answer (an empty priority reads as zero). */
export function priorityRows(report: KpiReport): PriorityRow[] {
  return PRIORITIES.map((priority) => {
    const kpi = report.byPriority[priority];
    const met = kpi?.slaCompliancePct ?? null;
    return {
      priority,
      alerts: kpi?.alerts ?? report.alerts.byPriority[priority] ?? 0,
      meanTimeToAcknowledgeMs: kpi?.meanTimeToAcknowledgeMs ?? null,
      meanTimeToResolveMs: kpi?.meanTimeToResolveMs ?? null,
      slaMetPct: met,
      slaBreachedPct: rest(met),
    };
  });
}

export function overallSlaBreachedPct(report: KpiReport): number | null {
  return rest(report.slaCompliancePct);
}

/** Alert sources by count, most first; ties by name so that the order is stable. */
export function sourcesByCount(bySource: Readonly<Record<string, number>>): { source: string; count: number }[] {
  return Object.entries(bySource)
    .map(([source, count]) => ({ source, count }))
    .sort((a, b) => b.count - a.count || a.source.localeCompare(b.source));
}

export interface ChartSeries {
  name: string;
  values: readonly (number | null)[];
}

/**
 * A chart's figures as one sentence, for its aria-label: "Alerts by priority: P1 3, P2 0" or,
 * with several series, "MTTA and MTTR by priority: P1 MTTA 4 min, MTTR 1 h; P2 …".
 */
export function summarizeChart(title: string, categories: readonly string[], series: readonly ChartSeries[], format: (value: number | null) => string): string {
  if (categories.length === 0) return `${title}: none`;
  const single = series.length === 1;
  const parts = categories.map((category, i) => {
    const values = series.map((s) => (single ? format(s.values[i] ?? null) : `${s.name} ${format(s.values[i] ?? null)}`));
    return `${category} ${values.join(', ')}`;
  });
  return `${title}: ${parts.join(single ? ', ' : '; ')}`;
}
