import { describe, expect, it } from 'vitest';
import type { ProcessReading } from './proc-stats.js';
import { summarizeFootprint } from './summary.js';
import { FOOTPRINT_TARGETS } from './targets.js';

const reading = (rssMb: number, hwmMb = 80): ProcessReading => ({ rssKb: rssMb * 1024, rssAnonKb: (rssMb - 40) * 1024, rssFileKb: 40 * 1024, hwmKb: hwmMb * 1024, cpuTicks: 0 });
const RUN = { node: 'v20.0.0', nodeFlags: ['--flag'], intervalMs: 2000, warmupMs: 10_000, agentWarnings: 0, connected: true, interrupted: false };

describe('footprint summary', () => {
  it('gives steady RSS as median and max, and CPU per cycle from tick and seq deltas', () => {
    const summary = summarizeFootprint(
      { readings: [reading(61), reading(58), reading(59)], startTicks: 100, endTicks: 130, startSeq: 5, endSeq: 20, ticksPerSecond: 100, elapsedMs: 30_000 },
      RUN,
    );
    expect(summary.steadyRssMb).toEqual({ median: 59, max: 61, min: 58 });
    expect([summary.steadyRssAnonMb, summary.steadyRssFileMb]).toEqual([19, 40]);
    expect(summary.peakRssMb).toBe(80);
    expect(summary.cycles).toBe(15);
    // 30 ticks at 100 Hz = 300 ms over 15 cycles and 30 s.
    expect(summary.cpu).toEqual({ totalMs: 300, msPerCycle: 20, msPerSecond: 10 });
    expect(summary.targets).toEqual(FOOTPRINT_TARGETS);
    // The target is a ceiling: the worst steady reading decides.
    expect(summary.withinTargets).toEqual({ steadyRss: false, cpuPerCycle: true });
  });

  it('reports no per-cycle figure when no cycle completed, rather than dividing by zero', () => {
    const summary = summarizeFootprint({ readings: [], startTicks: 0, endTicks: 0, startSeq: 3, endSeq: 3, ticksPerSecond: 100, elapsedMs: 0 }, RUN);
    expect(summary.cpu.msPerCycle).toBeNull();
    expect(summary.steadyRssMb).toEqual({ median: null, max: null, min: null });
    expect(summary.withinTargets).toEqual({ steadyRss: null, cpuPerCycle: null });
  });
});
