/** The chart ranges the agent page offers, and how often each redraws from fresh telemetry. */
export interface ChartRange {
  id: '1h' | '6h' | '24h' | '7d';
  label: string;
  ms: number;
  /** Re-fetch this often while the page is open; null: the range is too long for new frames to show. */
  refreshMs: number | null;
}

const HOUR = 3_600_000;

export const CHART_RANGES: readonly ChartRange[] = [
  { id: '1h', label: '1 h', ms: HOUR, refreshMs: 30_000 },
  { id: '6h', label: '6 h', ms: 6 * HOUR, refreshMs: 30_000 },
  { id: '24h', label: '24 h', ms: 24 * HOUR, refreshMs: 120_000 },
  { id: '7d', label: '7 d', ms: 7 * 24 * HOUR, refreshMs: null },
];

export const DEFAULT_RANGE: ChartRange = CHART_RANGES[0]!;

/** The range a query value names, or the default for anything else (an old bookmark, a typo). */
export function rangeById(id: string): ChartRange {
  return CHART_RANGES.find((r) => r.id === id) ?? DEFAULT_RANGE;
}
