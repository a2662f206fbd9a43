import type { TelemetrySample } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { buildChartData, latestValue, seriesKey, typicalStep } from './chart-data.js';

const sample = (metric: string, ts: number, value: number, labels: Record<string, string> = {}): TelemetrySample => ({ metric, ts, value, labels, seq: ts });
const byMount = (s: TelemetrySample) => s.labels.mount ?? s.metric;

describe('buildChartData', () => {
  it('keeps every point when they fit, one series per label set on a shared time axis', () => {
    const samples = [
      sample('disk.used_pct', 1000, 10, { mount: '/' }), sample('disk.used_pct', 1000, 50, { mount: '/var' }),
      sample('disk.used_pct', 2000, 11, { mount: '/' }), sample('disk.used_pct', 2000, 51, { mount: '/var' }),
      sample('disk.used_pct', 3000, 12, { mount: '/' }),
    ];
    const data = buildChartData(samples, { from: 0, to: 4000, maxPoints: 600, labelOf: byMount });
    expect(data.bucketed).toBe(false);
    expect(data.points).toBe(3);
    expect(data.xs).toEqual([1000, 2000, 3000]);
    expect(data.series.map((s) => s.label)).toEqual(['/', '/var']);
    expect(data.series[0]!.avg).toEqual([10, 11, 12]);
    // /var missed the last frame: a hole, not a made-up value.
    expect(data.series[1]!.avg).toEqual([50, 51, null]);
    expect(data.series[0]!.min).toEqual(data.series[0]!.avg);
  });

  it('buckets many points into min, max and average over the window asked for', () => {
    // 10,000 one-second samples of a sawtooth 0..9 over 10,000 s, into 100 buckets of 100 s.
    const samples = Array.from({ length: 10_000 }, (_, i) => sample('cpu.usage_pct', i * 1000, i % 10));
    const data = buildChartData(samples, { from: 0, to: 10_000_000, maxPoints: 100, labelOf: () => 'CPU' });
    expect(data.bucketed).toBe(true);
    expect(data.points).toBe(100);
    expect(data.xs[0]).toBe(50_000);
    expect(data.xs[99]).toBe(9_950_000);
    const cpu = data.series[0]!;
    expect(new Set(cpu.min)).toEqual(new Set([0]));
    expect(new Set(cpu.max)).toEqual(new Set([9]));
    expect(cpu.avg.every((v) => v === 4.5)).toBe(true);
  });

  it('keeps a one-sample spike visible as the bucket maximum', () => {
    const samples = Array.from({ length: 2000 }, (_, i) => sample('cpu.usage_pct', i * 1000, i === 1234 ? 100 : 5));
    const data = buildChartData(samples, { from: 0, to: 2_000_000, maxPoints: 200, labelOf: () => 'CPU' });
    expect(Math.max(...data.series[0]!.max.map((v) => v ?? 0))).toBe(100);
    expect(Math.max(...data.series[0]!.avg.map((v) => v ?? 0))).toBeLessThan(20);
  });

  it('puts samples outside the window (clock skew) into the edge buckets', () => {
    const samples = [...Array.from({ length: 20 }, (_, i) => sample('cpu.usage_pct', 1000 + i, 1)), sample('cpu.usage_pct', 99_999, 7), sample('cpu.usage_pct', -5, 3)];
    const data = buildChartData(samples, { from: 0, to: 10_000, maxPoints: 10, labelOf: () => 'CPU' });
    expect(data.bucketed).toBe(true);
    expect(data.xs[0]).toBe(500);
    expect(data.xs[data.xs.length - 1]).toBe(9500);
    expect(data.series[0]!.max[data.xs.length - 1]).toBe(7);
  });

  it('breaks the line over a silence instead of drawing a slope across it', () => {
    const samples = [0, 1, 2, 3, 20, 21, 22].map((t) => sample('cpu.usage_pct', t * 1000, t));
    const data = buildChartData(samples, { from: 0, to: 30_000, maxPoints: 600, labelOf: () => 'CPU' });
    expect(data.points).toBe(7);
    expect(data.xs).toEqual([0, 1000, 2000, 3000, 4000, 20_000, 21_000, 22_000]);
    expect(data.series[0]!.avg).toEqual([0, 1, 2, 3, null, 20, 21, 22]);
  });

  it('draws nothing from nothing, and ignores values that are not numbers', () => {
    expect(buildChartData([], { from: 0, to: 1000, maxPoints: 600, labelOf: () => 'x' })).toEqual({ xs: [], series: [], bucketed: false, points: 0 });
    const data = buildChartData([sample('cpu.usage_pct', 1, Number.NaN), sample('cpu.usage_pct', 2, 3)], { from: 0, to: 10, maxPoints: 600, labelOf: () => 'CPU' });
    expect(data.series[0]!.avg).toEqual([3]);
  });
});

describe('helpers', () => {
  it('names a series by metric and sorted labels', () => {
    expect(seriesKey({ metric: 'net.rx_bps', labels: { iface: 'eth0', b: '1' } })).toBe(seriesKey({ metric: 'net.rx_bps', labels: { b: '1', iface: 'eth0' } }));
    expect(seriesKey({ metric: 'net.rx_bps', labels: { iface: 'eth0' } })).not.toBe(seriesKey({ metric: 'net.tx_bps', labels: { iface: 'eth0' } }));
  });

  it('finds the typical step and the latest value', () => {
    expect(typicalStep([0, 10, 20, 1000])).toBe(10);
    expect(typicalStep([5])).toBe(Infinity);
    expect(latestValue({ key: 'k', label: 'l', avg: [1, 2, null], min: [], max: [] })).toBe(2);
    expect(latestValue({ key: 'k', label: 'l', avg: [null], min: [], max: [] })).toBeNull();
  });
});
