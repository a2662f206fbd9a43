import type { TelemetrySample } from '@vigil/shared';

/**
 * Turning raw telemetry into what a chart draws: samples grouped by label set into series, on one
 * shared time axis, and (when there are more points than the chart has pixels for) reduced to
 * min/max/avg per time bucket, so a week of one-second frames draws as fast as an hour.
 */

/** One line of a chart: the average per row, and the extremes the row's bucket held. */
export interface ChartSeries {
  /** Metric and label set: what makes two samples the same series. */
  key: string;
  label: string;
  avg: Array<number | null>;
  min: Array<number | null>;
  max: Array<number | null>;
}

export interface ChartData {
  /** Row times, Unix milliseconds, ascending. */
  xs: number[];
  series: ChartSeries[];
  /** True when the rows are buckets (min and max then differ from avg). */
  bucketed: boolean;
  /** Rows holding data (gap markers not counted). */
  points: number;
}

export interface ChartDataOptions {
  /** The window charted, Unix milliseconds: buckets divide this, not just the span of the data. */
  from: number;
  to: number;
  /** At most this many rows; more distinct timestamps than this are bucketed. */
  maxPoints: number;
  /** The legend name of a sample's series (e.g. its mount, or "eth0 rx"). */
  labelOf: (sample: TelemetrySample) => string;
}

/** A gap longer than this many typical steps is drawn as a break in the line, not a slope across it. */
const GAP_STEPS = 3;

export function seriesKey(sample: Pick<TelemetrySample, 'metric' | 'labels'>): string {
  const labels = Object.keys(sample.labels).sort().map((k) => `${k}=${sample.labels[k]}`);
  return [sample.metric, ...labels].join('\u0000');
}

interface Group { key: string; label: string; samples: TelemetrySample[] }

function groupByLabelSet(samples: readonly TelemetrySample[], labelOf: (s: TelemetrySample) => string): Group[] {
  const groups = new Map<string, Group>();
  for (const sample of samples) {
    const key = seriesKey(sample);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, label: labelOf(sample), samples: [] }));
    group.samples.push(sample);
  }
  return [...groups.values()].sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }) || (a.key < b.key ? -1 : 1));
}

/** One accumulating cell: a series within a row. */
interface Cell { sum: number; count: number; min: number; max: number }

function addTo(cell: Cell | undefined, value: number): Cell {
  if (!cell) return { sum: value, count: 1, min: value, max: value };
  cell.sum += value;
  cell.count += 1;
  if (value < cell.min) cell.min = value;
  if (value > cell.max) cell.max = value;
  return cell;
}

export function buildChartData(samples: readonly TelemetrySample[], options: ChartDataOptions): ChartData {
  const groups = groupByLabelSet(samples.filter((s) => Number.isFinite(s.value)), options.labelOf);
  const times = [...new Set(groups.flatMap((g) => g.samples.map((s) => s.ts)))].sort((a, b) => a - b);
  const maxPoints = Math.max(1, Math.floor(options.maxPoints));
  const bucketed = times.length > maxPoints;
  const span = Math.max(1, options.to - options.from);
  const width = span / maxPoints;

  // The row each sample lands in: its own timestamp, or its bucket's middle.
  const rowTime = bucketed
    ? (ts: number) => {
      const index = Math.min(maxPoints - 1, Math.max(0, Math.floor((ts - options.from) / width)));
      return options.from + (index + 0.5) * width;
    }
    : (ts: number) => ts;

  const rows = new Map<number, Array<Cell | undefined>>();
  groups.forEach((group, g) => {
    for (const sample of group.samples) {
      const x = rowTime(sample.ts);
      let row = rows.get(x);
      if (!row) rows.set(x, (row = new Array<Cell | undefined>(groups.length)));
      row[g] = addTo(row[g], sample.value);
    }
  });

  const filled = [...rows.keys()].sort((a, b) => a - b);
  const gapMs = GAP_STEPS * typicalStep(filled);
  const xs: number[] = [];
  const cells: Array<Array<Cell | undefined> | null> = [];
  filled.forEach((x, i) => {
    const previous = filled[i - 1];
    // A null row just after the last point before a silence breaks the line there.
    if (previous !== undefined && x - previous > gapMs) {
      xs.push(previous + gapMs / GAP_STEPS);
      cells.push(null);
    }
    xs.push(x);
    cells.push(rows.get(x)!);
  });

  const series = groups.map((group, g): ChartSeries => ({
    key: group.key,
    label: group.label,
    avg: cells.map((row) => (row?.[g] ? row[g].sum / row[g].count : null)),
    min: cells.map((row) => row?.[g]?.min ?? null),
    max: cells.map((row) => row?.[g]?.max ?? null),
  }));
  return { xs, series, bucketed, points: filled.length };
}

/** The median distance between consecutive times (Infinity with fewer than two: nothing to break). */
export function typicalStep(sortedTimes: readonly number[]): number {
  if (sortedTimes.length < 2) return Infinity;
  const steps = sortedTimes.slice(1).map((t, i) => t - sortedTimes[i]!).sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)]!;
}

/** The latest value of a series, for a chart's heading. */
export function latestValue(series: ChartSeries): number | null {
  for (let i = series.avg.length - 1; i >= 0; i--) {
    const v = series.avg[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}
