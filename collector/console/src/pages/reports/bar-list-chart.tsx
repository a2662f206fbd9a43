/**
 * A horizontal bar chart of named counts, one row each with its label and its number, drawn as
 * SVG (prints as vectors; colours from report.css). It grows with the number of rows, so a long
 * list of sources stays legible instead of squeezing its bars.
 */
import { bands, barLength, valueScale } from './chart-scale.js';
import { summarizeChart } from './report-data.js';

// As compact as the column charts, so that both print with text of the same size.
const WIDTH = 360;
const ROW = 26;
const MARGIN = { top: 6, right: 40, bottom: 24, left: 80 };

export function BarListChart({ id, title, items, format, empty }: {
  /** The chart's `data-chart` name. */
  id: string;
  title: string;
  items: readonly { label: string; value: number }[];
  format: (value: number | null) => string;
  /** Said instead of the chart when there is nothing to draw. */
  empty: string;
}) {
  const labels = items.map((item) => item.label);
  const summary = summarizeChart(title, labels, [{ name: title, values: items.map((item) => item.value) }], format);
  if (items.length === 0) {
    return (
      <figure class="chart" data-chart={id} aria-label={summary}>
        <figcaption>{title}</figcaption>
        <p class="chart-empty">{empty}</p>
      </figure>
    );
  }
  const plotHeight = items.length * ROW;
  const height = MARGIN.top + plotHeight + MARGIN.bottom;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const scale = valueScale(Math.max(...items.map((item) => item.value)), 'count');
  const x = (value: number) => MARGIN.left + barLength(value, scale.max, plotWidth);
  const axisY = MARGIN.top + plotHeight;

  return (
    <figure class="chart" data-chart={id} aria-label={summary}>
      <figcaption>{title}</figcaption>
      <svg class="chart-svg" viewBox={`0 0 ${WIDTH} ${height}`} aria-hidden="true" focusable="false">
        {scale.ticks.map((tick) => (
          <g key={tick} class="chart-tick">
            <line class="chart-grid" x1={x(tick)} x2={x(tick)} y1={MARGIN.top} y2={axisY} />
            <text x={x(tick)} y={axisY + 16} text-anchor="middle">{tick === 0 ? '0' : format(tick)}</text>
          </g>
        ))}
        {bands(items.length, MARGIN.top, plotHeight, 0.35, 0.15).map((band, i) => {
          const item = items[i]!;
          const middle = band.start + band.size / 2;
          return (
            <g key={item.label} class="chart-category">
              <text class="chart-label" x={MARGIN.left - 8} y={middle} dy="0.32em" text-anchor="end">{item.label}</text>
              <rect class="chart-bar series-source" x={MARGIN.left} y={band.start} width={x(item.value) - MARGIN.left} height={band.size}>
                <title>{`${item.label}: ${format(item.value)}`}</title>
              </rect>
              <text class="chart-value" x={x(item.value) + 6} y={middle} dy="0.32em">{format(item.value)}</text>
            </g>
          );
        })}
        <line class="chart-axis" x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={axisY} />
      </svg>
    </figure>
  );
}
