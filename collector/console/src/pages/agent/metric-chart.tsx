import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { latestValue, type ChartData } from './chart-data.js';
import { CHART_HEIGHT, chartOptions, chartShape, formatValue, toAligned } from './chart-options.js';
import type { ChartSpec } from './chart-specs.js';

interface Props {
  spec: ChartSpec;
  data: ChartData;
  span: { from: number; to: number };
  rangeLabel: string;
}

/**
 * One uPlot chart. uPlot owns the DOM inside `plotRef` (and styles it through the CSSOM, which the
 * console's CSP allows): it is created once, handed new data on each refresh, rebuilt only when
 * the set of series changes, sized to its container, and destroyed on unmount.
 */
export function MetricChart({ spec, data, span, rangeLabel }: Props) {
  const plotRef = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = useRef('');
  const spanRef = useRef(span);
  spanRef.current = span;

  useEffect(() => {
    const el = plotRef.current;
    if (!el) return;
    if (data.points === 0) {
      plot.current?.destroy();
      plot.current = null;
      shape.current = '';
      return;
    }
    const aligned = toAligned(data);
    const nextShape = chartShape(data);
    if (plot.current && shape.current === nextShape) {
      // Resetting the scales re-reads the window through spanRef.
      plot.current.setData(aligned);
      return;
    }
    plot.current?.destroy();
    plot.current = new uPlot(chartOptions(spec, data, el.clientWidth, () => spanRef.current), aligned, el);
    shape.current = nextShape;
  }, [data, spec, span.from, span.to]);

  useEffect(() => {
    const el = plotRef.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      const width = Math.floor(el.clientWidth);
      if (plot.current && width > 0 && width !== plot.current.width) plot.current.setSize({ width, height: CHART_HEIGHT });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  const single = data.series.length === 1 ? data.series[0]! : null;
  const now = single ? latestValue(single) : null;
  const label = `${spec.title} over the last ${rangeLabel}`;
  return (
    <figure class="chart" data-metric={spec.metrics.join(' ')} data-points={data.points} data-bucketed={data.bucketed ? 'true' : 'false'} aria-label={label}>
      <figcaption>
        <span class="chart-title">{spec.title}</span>
        {now !== null && <span class="chart-now">{formatValue(spec, now)}</span>}
        {data.bucketed && <span class="chart-note" title="Each point is a time bucket: the line is its average, the band its minimum and maximum">min / avg / max</span>}
      </figcaption>
      {data.points === 0 && <p class="chart-empty">No samples in the last {rangeLabel}.</p>}
      <div ref={plotRef} class="chart-plot" />
    </figure>
  );
}
