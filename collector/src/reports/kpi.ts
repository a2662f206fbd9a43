import { PrioritySchema, type KpiReport, type Priority } from '@vigil/shared';
import { availability, type PresenceHistory } from './availability.js';

/** What the report needs of an alert opened in the period. */
export interface KpiAlert {
  priority: Priority;
  metric: string;
  openedAt: number;
  /**
   * The first acknowledgement the alert ever had, whether or not it is still in force (one that
   * lapsed, or was given to an earlier occurrence, still answered the page); null if none.
   */
  firstAcknowledgedAt: number | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  respondBy: number | null;
  respondBreachedAt: number | null;
  resolveBreachedAt: number | null;
  /** A runbook run linked to the alert succeeded before it resolved. */
  remediated: boolean;
}

export interface KpiPatchStatus {
  /** Since when a security patch has been pending without a break; null when none is. */
  securityPendingSince: number | null;
}

export interface KpiInput {
  tenant: string | null;
  from: number;
  to: number;
  alerts: readonly KpiAlert[];
  agents: readonly PresenceHistory[];
  /** Agents whose patch status is known (reported at least once). */
  patches: readonly KpiPatchStatus[];
  securityPatchMaxAgeMs: number;
}

const PRIORITIES = PrioritySchema.options;

const percent = (part: number, whole: number): number | null => (whole === 0 ? null : round((100 * part) / whole));
const mean = (values: readonly number[]): number | null => (values.length === 0 ? null : Math.round(values.reduce((a, b) => a + b, 0) / values.length));
const round = (n: number): number => Math.round(n * 100) / 100;

/** The alert's source: the family of its metric, e.g. disk for disk.used_pct. */
export const alertSource = (metric: string): string => metric.split('.')[0] ?? metric;

/**
 * A breach-free alert: it had SLA clocks and breached neither. A breach stays recorded when the
 * alert re-opens (a later occurrence's breach only moves its instant), so an alert counts as
 * breached if any of its occurrences was.
 */
const withinSla = (a: KpiAlert): boolean => a.respondBreachedAt === null && a.resolveBreachedAt === null;

/**
 * Fixed without a person: a linked runbook run succeeded, and then the alert resolved by itself
 * (the rule engine saw the value clear, or the runbook's verify stage did). An alert a person
 * resolved after a runbook ran is not counted: the person, not the runbook, closed it.
 */
const resolvedByRemediation = (a: KpiAlert): boolean =>
  a.remediated && (a.resolvedBy === 'auto' || (a.resolvedBy?.startsWith('runbook:') ?? false));

/**
 * The quarterly-review numbers for one tenant and period, from plain rows (pure: `now` is the
 * report's generation time, only recorded). Alerts count when opened in [from, to).
 */
export function computeKpis(input: KpiInput, now: number): KpiReport {
  const alerts = input.alerts.filter((a) => a.openedAt >= input.from && a.openedAt < input.to);
  const byPriority = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
  const bySource: Record<string, number> = {};
  for (const a of alerts) {
    byPriority[a.priority]++;
    const source = alertSource(a.metric);
    bySource[source] = (bySource[source] ?? 0) + 1;
  }
  const clocked = alerts.filter((a) => a.respondBy !== null);
  const perPriority = Object.fromEntries(
    PRIORITIES.map((p) => {
      const mine = alerts.filter((a) => a.priority === p);
      const mineClocked = mine.filter((a) => a.respondBy !== null);
      return [p, {
        alerts: mine.length,
        meanTimeToAcknowledgeMs: mean(mine.filter((a) => a.firstAcknowledgedAt !== null).map((a) => a.firstAcknowledgedAt! - a.openedAt)),
        meanTimeToResolveMs: mean(mine.filter((a) => a.resolvedAt !== null).map((a) => a.resolvedAt! - a.openedAt)),
        slaCompliancePct: percent(mineClocked.filter(withinSla).length, mineClocked.length),
      }];
    }),
  ) as KpiReport['byPriority'];
  const resolved = alerts.filter((a) => a.resolvedAt !== null);
  const monitored = input.agents.map((agent) => availability(agent, input.from, input.to)).filter((a) => a.monitoredMs > 0);
  const compliant = input.patches.filter((p) => p.securityPendingSince === null || input.to - p.securityPendingSince <= input.securityPatchMaxAgeMs);
  return {
    tenant: input.tenant,
    from: input.from,
    to: input.to,
    generatedAt: now,
    alerts: { total: alerts.length, byPriority, bySource },
    slaCompliancePct: percent(clocked.filter(withinSla).length, clocked.length),
    byPriority: perPriority,
    autoRemediatedPct: percent(resolved.filter(resolvedByRemediation).length, resolved.length),
    agentAvailabilityPct: percent(
      monitored.reduce((sum, a) => sum + a.onlineMs, 0),
      monitored.reduce((sum, a) => sum + a.monitoredMs, 0),
    ),
    patchCompliancePct: percent(compliant.length, input.patches.length),
    agents: { monitored: monitored.length, patchStatusKnown: input.patches.length },
  };
}
