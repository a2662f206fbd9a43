/**
 * A vertical bar chart of categories, with one bar per series in each (grouped when several),
 * drawn as SVG. The report's data is a handful of categories, not a time series, and SVG prints
 * as crisp vectors where a canvas chart would print as a bitmap; colours come from classes in
 * report.css, since the console's CSP allows no inline styles.
 */
import { bands, barLength, maxOf, valueScale } from './chart-scale.js';
import { summarizeChart, type ChartSeries } from './report-data.js';

export interface ColumnSeries extends ChartSeries {
  /** Names the series' colour class, `series-<key>`. */
  key: string;
  /** What the legend says the series is, when its name is an abbreviation. */
  description?: string;
}

// A compact drawing: scaled to a half-page column on paper, its 12-unit text still reads at about 8 pt.
const WIDTH = 360;
const HEIGHT = 210;
const MARGIN = { top: 20, right: 8, bottom: 28, left: 64 };

export function ColumnChart({ id, title, categories, series, kind, format, categoryClass, valueLabels = false }: {
  /** The chart's `data-chart` name. */
  id: string;
  title: string;
  categories: readonly string[];
  series: readonly ColumnSeries[];
  kind: 'count' | 'duration';
  format: (value: number | null) => string;
  /** A class per category for a single series coloured by category (priorities in their colours). */
  categoryClass?: (category: string) => string;
  /** Writes each value above its bar; for charts whose labels fit (a few short counts). */
  valueLabels?: boolean;
}) {
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const baseline = MARGIN.top + plotHeight;
  const scale = valueScale(maxOf(series.flatMap((s) => s.values)), kind);
  const y = (value: number) => baseline - barLength(value, scale.max, plotHeight);

  return (
    <figure class="chart" data-chart={id} aria-label={summarizeChart(title, categories, series, format)}>
      <figcaption>{title}</figcaption>
      <svg class="chart-svg" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="true" focusable="false">
        {/* The origin is a plain 0 whatever the unit: "< 1 s" there would read as a measurement. */}
        {scale.ticks.map((tick) => (
          <g key={tick} class="chart-tick">
            <line class="chart-grid" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} />
            <text x={MARGIN.left - 6} y={y(tick)} dy="0.32em" text-anchor="end">{tick === 0 ? '0' : format(tick)}</text>
          </g>
        ))}
        {bands(categories.length, MARGIN.left, plotWidth).map((band, i) => {
          const category = categories[i]!;
          const bars = bands(series.length, band.start, band.size, 0.08, 0);
          return (
            <g key={category} class="chart-category">
              {series.map((s, j) => {
                const value = s.values[i] ?? null;
                const bar = bars[j]!;
                const top = value === null ? baseline : y(value);
                const cls = `chart-bar ${categoryClass ? categoryClass(category) : `series-${s.key}`}`;
                return (
                  <g key={s.key}>
                    <rect class={cls} x={bar.start} y={top} width={bar.size} height={baseline - top}>
                      <title>{`${category} ${s.name}: ${format(value)}`}</title>
                    </rect>
                    {valueLabels && <text class="chart-value" x={bar.start + bar.size / 2} y={top - 5} text-anchor="middle">{format(value)}</text>}
                  </g>
                );
              })}
              <text class="chart-label" x={band.start + band.size / 2} y={baseline + 18} text-anchor="middle">{category}</text>
            </g>
          );
        })}
        <line class="chart-axis" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={baseline} y2={baseline} />
      </svg>
      {series.length > 1 && (
        <ul class="chart-legend">
          {series.map((s) => (
            <li key={s.key}>
              <svg class="chart-swatch" viewBox="0 0 12 12" aria-hidden="true" focusable="false"><rect class={`chart-bar series-${s.key}`} width="12" height="12" /></svg>
              {s.description ? `${s.name}, ${s.description}` : s.name}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
