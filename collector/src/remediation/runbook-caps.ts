/** The caps count the runs started within this long before the alert fires again. */
export const CAP_WINDOW_MS = 3_600_000;

export interface RunbookLimits {
  maxRunsPerAlertPerHour: number;
  maxRunsPerAgentPerHour: number;
}

export interface RecentRuns {
  /** Runs of this runbook (capped ones aside) started within the cap window for the alert, and for its agent. */
  alert: number;
  agent: number;
  /** A run of this runbook for the alert that has not finished yet. */
  underWay?: string;
}

const perHour = (n: number, what: string) => `${n} run${n === 1 ? '' : 's'} per ${what} per hour`;

/**
 * Whether one more run may start: null when it may, else the outcome of the capped run that is
 * recorded instead. The caps are what keeps remediation from looping (a script that "fixes" the
 * alert only until the next frame would otherwise run on every re-open), and one alert never has
 * two runs of the same runbook at once.
 */
export function capOutcome(limits: RunbookLimits, recent: RecentRuns): string | null {
  if (recent.underWay !== undefined) return `capped: run ${recent.underWay} of this runbook is still under way for the alert`;
  if (recent.alert >= limits.maxRunsPerAlertPerHour) return `capped: ${perHour(limits.maxRunsPerAlertPerHour, 'alert')}`;
  if (recent.agent >= limits.maxRunsPerAgentPerHour) return `capped: ${perHour(limits.maxRunsPerAgentPerHour, 'agent')}`;
  return null;
}
