import { percentile, roundTo } from '../load/percentiles.js';
import type { ProcessReading } from './proc-stats.js';
import { FOOTPRINT_TARGETS } from './targets.js';

export interface FootprintWindow {
  /** Readings taken once per cycle after the warm-up. */
  readings: ProcessReading[];
  /** CPU ticks and frame seq at the start and the end of the measured window. */
  startTicks: number;
  endTicks: number;
  startSeq: number;
  endSeq: number;
  ticksPerSecond: number;
  elapsedMs: number;
}

export interface FootprintSummary {
  node: string;
  nodeFlags: string[];
  intervalMs: number;
  warmupMs: number;
  measuredMs: number;
  /** Frames the agent collected within the measured window (from its status.json seq). */
  cycles: number;
  samples: number;
  steadyRssMb: { median: number | null; max: number | null; min: number | null };
  /** The median reading split into private memory and mapped files. */
  steadyRssAnonMb: number | null;
  steadyRssFileMb: number | null;
  /** Highest RSS over the whole run, startup included (VmHWM). */
  peakRssMb: number | null;
  cpu: { totalMs: number; msPerCycle: number | null; msPerSecond: number };
  targets: typeof FOOTPRINT_TARGETS;
  withinTargets: { steadyRss: boolean | null; cpuPerCycle: boolean | null };
  agentWarnings: number;
  connected: boolean;
  interrupted: boolean;
}

const mb = (kb: number): number => roundTo(kb / 1024, 1);

function median(values: number[]): number | null {
  return percentile(Float64Array.from(values).sort(), 50);
}

export function summarizeFootprint(
  window: FootprintWindow,
  run: { node: string; nodeFlags: string[]; intervalMs: number; warmupMs: number; agentWarnings: number; connected: boolean; interrupted: boolean },
): FootprintSummary {
  const rss = window.readings.map((r) => r.rssKb);
  const medianRss = median(rss);
  const sorted = Float64Array.from(rss).sort();
  // The anon/file split of the reading nearest the median, so the two parts add up to it.
  const middle = window.readings.find((r) => r.rssKb === medianRss);
  const cycles = Math.max(0, window.endSeq - window.startSeq);
  const cpuMs = ((window.endTicks - window.startTicks) * 1000) / window.ticksPerSecond;
  const msPerCycle = cycles > 0 ? roundTo(cpuMs / cycles, 2) : null;
  const steadyMedian = medianRss === null ? null : mb(medianRss);
  const steadyMax = sorted.length ? mb(sorted[sorted.length - 1]!) : null;
  const hwm = Math.max(...window.readings.map((r) => r.hwmKb ?? 0));
  return {
    node: run.node,
    nodeFlags: run.nodeFlags,
    intervalMs: run.intervalMs,
    warmupMs: run.warmupMs,
    measuredMs: Math.round(window.elapsedMs),
    cycles,
    samples: rss.length,
    steadyRssMb: {
      median: steadyMedian,
      max: steadyMax,
      min: sorted.length ? mb(sorted[0]!) : null,
    },
    steadyRssAnonMb: middle?.rssAnonKb == null ? null : mb(middle.rssAnonKb),
    steadyRssFileMb: middle?.rssFileKb == null ? null : mb(middle.rssFileKb),
    peakRssMb: hwm > 0 ? mb(hwm) : null,
    cpu: {
      totalMs: Math.round(cpuMs),
      msPerCycle,
      msPerSecond: window.elapsedMs > 0 ? roundTo(cpuMs / (window.elapsedMs / 1000), 2) : 0,
    },
    targets: FOOTPRINT_TARGETS,
    withinTargets: {
      // Judged on the worst steady reading, not the median: the target is a ceiling.
      steadyRss: steadyMax === null ? null : steadyMax <= FOOTPRINT_TARGETS.steadyRssMb,
      cpuPerCycle: msPerCycle === null ? null : msPerCycle <= FOOTPRINT_TARGETS.cpuMsPerCycle,
    },
    agentWarnings: run.agentWarnings,
    connected: run.connected,
    interrupted: run.interrupted,
  };
}
