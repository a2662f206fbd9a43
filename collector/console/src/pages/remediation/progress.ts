import type { RunState } from '@vigil/shared';
import { isFinalRunState, RUN_STATE_ORDER } from './run-states.js';

export interface ProgressSegment {
  state: RunState;
  count: number;
  /** Share of all runs, 0–100. */
  percent: number;
}

export interface Progress {
  total: number;
  /** Runs in a final state. */
  done: number;
  succeeded: number;
  /** Runs that ended in failure of any kind (failed, timed out, error, rejected). */
  failed: number;
  /** The non-empty states in display order. */
  segments: ProgressSegment[];
}

/** A job's run counts as a stacked bar's segments and the totals its caption shows. */
export function progressOf(counts: Partial<Record<RunState, number>>): Progress {
  const total = RUN_STATE_ORDER.reduce((sum, state) => sum + Math.max(0, counts[state] ?? 0), 0);
  const segments: ProgressSegment[] = [];
  let done = 0;
  for (const state of RUN_STATE_ORDER) {
    const count = Math.max(0, counts[state] ?? 0);
    if (count === 0) continue;
    if (isFinalRunState(state)) done += count;
    segments.push({ state, count, percent: total === 0 ? 0 : (count / total) * 100 });
  }
  const failed = (counts.failed ?? 0) + (counts.timed_out ?? 0) + (counts.error ?? 0) + (counts.rejected ?? 0);
  return { total, done, succeeded: counts.succeeded ?? 0, failed, segments };
}

/** "3 succeeded, 1 failed, 2 queued": what a screen reader hears for the bar. */
export function describeProgress(progress: Progress): string {
  if (progress.total === 0) return 'no runs';
  return progress.segments.map((s) => `${s.count} ${s.state.replace('_', ' ')}`).join(', ');
}
