/**
 * Exact percentiles by the nearest-rank method: the result is always one of the observed values,
 * so a reported p99 is a latency some frame really had, not an interpolation between two.
 */
export function percentile(sortedAscending: ArrayLike<number>, p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const n = sortedAscending.length;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sortedAscending[rank - 1]!;
}

export interface LatencySummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** Sorts a copy (numerically; Array#sort would compare as strings) and reads the usual cut points. */
export function summarize(values: ArrayLike<number>, decimals = 1): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const round = (v: number | null): number | null => (v === null ? null : roundTo(v, decimals));
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(percentile(sorted, 100)),
  };
}

export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
