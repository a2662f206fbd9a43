import type uPlot from 'uplot';
import type { ChartData } from './chart-data.js';
import type { ChartSpec } from './chart-specs.js';
import { formatPercent, formatRate } from './format.js';

/**
 * uPlot's options and data for one chart: a line per series (its average), and when the data is
 * bucketed, each bucket's min–max as a faint band around it so a short spike stays visible.
 */

/** Line colours on the dark panel, in series order. */
export const PALETTE = ['#7cb7ff', '#4cd964', '#f5a623', '#ff5c5c', '#c792ea', '#5ed3f3', '#f6e05e', '#ff9f43'];
export const CHART_HEIGHT = 180;
/** The legend rows of band edges are hidden by this class (agent-page.css). */
export const BAND_EDGE_CLASS = 'band-edge';

const colour = (i: number) => PALETTE[i % PALETTE.length]!;
/** #rrggbb → rgba with `alpha`, for band fills. */
export function translucent(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** uPlot's columns: x in seconds, then per series its average, then (bucketed) its max and min. */
export function toAligned(data: ChartData): uPlot.AlignedData {
  const columns: Array<Array<number | null>> = [];
  for (const s of data.series) {
    columns.push(s.avg);
    if (data.bucketed) columns.push(s.max, s.min);
  }
  return [data.xs.map((x) => x / 1000), ...columns];
}

/** Changes that need a new uPlot rather than new data: other series, or bands appearing. */
export function chartShape(data: ChartData): string {
  return `${data.bucketed ? 'b' : 'r'}|${data.series.map((s) => s.key).join('|')}`;
}

export function formatValue(spec: ChartSpec, value: number | null | undefined): string {
  return spec.unit === 'percent' ? formatPercent(value) : formatRate(value);
}

/** `span` is read on every redraw, so a refresh that moves it needs only new data. */
export function chartOptions(spec: ChartSpec, data: ChartData, width: number, span: () => { from: number; to: number }): uPlot.Options {
  const series: uPlot.Series[] = [{}];
  const bands: uPlot.Band[] = [];
  data.series.forEach((s, i) => {
    const value = (_u: uPlot, v: number | null) => formatValue(spec, v);
    series.push({ label: s.label, stroke: colour(i), width: 1.5, value, points: { show: false } });
    if (data.bucketed) {
      const avgIndex = series.length - 1;
      series.push({ label: `${s.label} max`, stroke: 'transparent', class: BAND_EDGE_CLASS, value, points: { show: false } });
      series.push({ label: `${s.label} min`, stroke: 'transparent', class: BAND_EDGE_CLASS, value, points: { show: false } });
      bands.push({ series: [avgIndex + 1, avgIndex + 2], fill: translucent(colour(i), 0.18) });
    }
  });
  const axis: uPlot.Axis = { stroke: '#9aa5b1', grid: { stroke: '#222b33', width: 1 }, ticks: { stroke: '#222b33', width: 1 } };
  return {
    width: Math.max(200, Math.floor(width)),
    height: CHART_HEIGHT,
    series,
    bands,
    scales: {
      // The whole window chosen, not just the span of the data: a young agent's line starts late.
      x: { time: true, range: () => [span().from / 1000, span().to / 1000] },
      y: {
        range: spec.unit === 'percent'
          ? () => [0, 100]
          : (_u, _min, max) => [0, max !== null && max > 0 ? max * 1.1 : 1],
      },
    },
    axes: [
      axis,
      { ...axis, size: 84, values: (_u, splits) => splits.map((v) => formatValue(spec, v)) },
    ],
    cursor: { drag: { x: false, y: false } },
    // Away from the cursor, the legend shows the latest values rather than dashes.
    hooks: { ready: [showLatest], setData: [showLatest], setCursor: [(u) => { if (u.cursor.idx == null) showLatest(u); }] },
  };
}

function showLatest(u: uPlot): void {
  const last = u.data[0].length - 1;
  if (last >= 0) u.setLegend({ idx: last });
}
