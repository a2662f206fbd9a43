import { describe, expect, it } from 'vitest';
import type { ChartData } from './chart-data.js';
import { chartOptions, chartShape, toAligned, translucent } from './chart-options.js';
import { CHART_SPECS } from './chart-specs.js';

const raw: ChartData = {
  xs: [1000, 2000], bucketed: false, points: 2,
  series: [{ key: 'a', label: 'eth0 rx', avg: [1, 2], min: [1, 2], max: [1, 2] }, { key: 'b', label: 'eth0 tx', avg: [3, null], min: [3, null], max: [3, null] }],
};
const bucketed: ChartData = { ...raw, bucketed: true, series: [{ key: 'a', label: 'CPU', avg: [2, 3], min: [1, 2], max: [4, 5] }] };
const span = () => ({ from: 0, to: 10_000 });

describe('uPlot options and data', () => {
  it('hands uPlot x in seconds and one column per series', () => {
    expect(toAligned(raw)).toEqual([[1, 2], [1, 2], [3, null]]);
    const options = chartOptions(CHART_SPECS[3]!, raw, 800, span);
    expect(options.series.map((s) => s.label)).toEqual([undefined, 'eth0 rx', 'eth0 tx']);
    expect(options.bands).toEqual([]);
  });

  it('adds each bucketed series\' max and min as a band around its average', () => {
    expect(toAligned(bucketed)).toEqual([[1, 2], [2, 3], [4, 5], [1, 2]]);
    const options = chartOptions(CHART_SPECS[0]!, bucketed, 800, span);
    expect(options.series.map((s) => s.label)).toEqual([undefined, 'CPU', 'CPU max', 'CPU min']);
    expect(options.bands).toEqual([{ series: [2, 3], fill: translucent('#7cb7ff', 0.18) }]);
    expect(chartShape(bucketed)).not.toBe(chartShape(raw));
  });

  it('charts the whole window chosen, percentages on 0–100', () => {
    const options = chartOptions(CHART_SPECS[0]!, raw, 800, span);
    const x = options.scales!.x!.range as () => [number, number];
    const y = options.scales!.y!.range as () => [number, number];
    expect(x()).toEqual([0, 10]);
    expect(y()).toEqual([0, 100]);
    expect(translucent('#ff0080', 0.5)).toBe('rgba(255, 0, 128, 0.5)');
  });
});
