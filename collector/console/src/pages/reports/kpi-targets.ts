/**
 * The targets the report's percentages are measured against. At or above `goal` is on target;
 * down to `floor` is a warning; below it is a miss. These are common managed-service figures
 * (a 95 % SLA, "two and a half nines" of agent availability), not contract terms.
 */
export interface KpiTarget {
  goal: number;
  floor: number;
}

export type KpiRating = 'ok' | 'warn' | 'bad' | 'none';

export const KPI_TARGETS = {
  slaCompliance: { goal: 95, floor: 90 },
  agentAvailability: { goal: 99.5, floor: 98 },
  patchCompliance: { goal: 95, floor: 85 },
  /** Of all resolved alerts, the share a runbook fixed without a person. */
  autoRemediated: { goal: 50, floor: 25 },
} as const satisfies Record<string, KpiTarget>;

export function rateKpi(value: number | null, target: KpiTarget): KpiRating {
  if (value === null) return 'none';
  if (value >= target.goal) return 'ok';
  if (value >= target.floor) return 'warn';
  return 'bad';
}

/** The rating in words, so that a black-and-white print says what the colour said. */
export const RATING_LABELS: Readonly<Record<KpiRating, string>> = {
  ok: 'On target',
  warn: 'Below target',
  bad: 'Well below target',
  none: 'No data',
};
