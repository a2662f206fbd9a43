import { useMemo } from 'preact/hooks';
import { buildChartData } from './chart-data.js';
import { CHART_SPECS, CHARTED_METRICS } from './chart-specs.js';
import { MetricChart } from './metric-chart.js';
import { CHART_RANGES, type ChartRange } from './ranges.js';
import { useTelemetry } from './use-telemetry.js';

/** About one row per pixel column of a wide chart: more would not show, fewer would hide spikes. */
const MAX_POINTS = 600;

interface Props {
  agentId: string;
  range: ChartRange;
  onRange: (range: ChartRange) => void;
  onSignedOut: () => void;
}

export function ChartsPanel({ agentId, range, onRange, onSignedOut }: Props) {
  const { telemetry, error, loading } = useTelemetry(agentId, CHARTED_METRICS, range, onSignedOut);

  const charts = useMemo(() => {
    if (!telemetry) return [];
    return CHART_SPECS.map((spec) => ({
      spec,
      data: buildChartData(spec.metrics.flatMap((m) => telemetry.samples.get(m) ?? []), {
        from: telemetry.from, to: telemetry.to, maxPoints: MAX_POINTS, labelOf: spec.labelOf,
      }),
    }));
  }, [telemetry]);

  return (
    <section class="section agent-charts" aria-labelledby="agent-charts-title">
      <div class="section-head">
        <h3 id="agent-charts-title">Telemetry</h3>
        <div class="range-picker" role="group" aria-label="Chart range">
          {CHART_RANGES.map((r) => (
            <button key={r.id} type="button" aria-pressed={r.id === range.id} onClick={() => onRange(r)}>{r.label}</button>
          ))}
        </div>
        <span class="hint" aria-live="polite">
          {loading ? 'loading…' : range.refreshMs !== null ? `refreshes every ${Math.round(range.refreshMs / 1000)} s` : ''}
        </span>
      </div>
      {error && <p class="form-error" role="alert">Telemetry could not be read: {error.message}</p>}
      {telemetry && telemetry.incomplete.length > 0 && (
        <p class="hint">Too many samples to draw in full for {telemetry.incomplete.join(', ')}: the newest are left out. Choose a shorter range.</p>
      )}
      <div class="chart-grid">
        {charts.map(({ spec, data }) => (
          <MetricChart key={spec.title} spec={spec} data={data} span={telemetry!} rangeLabel={range.label} />
        ))}
      </div>
    </section>
  );
}
