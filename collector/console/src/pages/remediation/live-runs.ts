import type { JobRun, JobRunProgress, RunState } from '@vigil/shared';
import { isFinalRunState, RUN_STATE_ORDER } from './run-states.js';

/** How far along a run is: a run only moves forward, so the further of two copies is the newer. */
function stage(state: RunState): number {
  return isFinalRunState(state) ? RUN_STATE_ORDER.length : RUN_STATE_ORDER.indexOf(state);
}

/**
 * A run from a fetched page of runs (with its output) brought up to date with what the live
 * stream said about it since. The page may also be the newer of the two (fetched after the
 * stream's last word), so the stream's copy wins only when it is further along.
 */
export function withLiveProgress(run: JobRun, live: JobRunProgress | undefined): JobRun {
  if (!live || stage(live.state) <= stage(run.state)) return run;
  return { ...run, ...live, stdout: run.stdout, stderr: run.stderr };
}

/**
 * Whether the stream saw a run of the page finish that the page still shows unfinished: the
 * page is then fetched again, for the output the stream does not carry.
 */
export function pageMissesOutput(runs: readonly JobRun[], live: ReadonlyMap<string, JobRunProgress>): boolean {
  return runs.some((run) => {
    const now = live.get(run.id);
    return now !== undefined && !isFinalRunState(run.state) && isFinalRunState(now.state);
  });
}

export interface PageWindow {
  /** "51–100 of 10,000", or "none" when nothing matches. */
  label: string;
  previous: number | null;
  next: number | null;
}

/** Where a page of `limit` rows at `offset` sits among `total`, and the offsets either side. */
export function pageWindow(total: number, limit: number, offset: number): PageWindow {
  if (total === 0) return { label: 'none', previous: null, next: null };
  const first = Math.min(offset, Math.max(0, total - 1));
  const last = Math.min(total, first + limit);
  return {
    label: `${(first + 1).toLocaleString()}–${last.toLocaleString()} of ${total.toLocaleString()}`,
    previous: first > 0 ? Math.max(0, first - limit) : null,
    next: last < total ? last : null,
  };
}
