import { roundTo } from './percentiles.js';
import type { RunCounts } from './job-progress.js';

/**
 * The arithmetic of the bulk-job benchmark, kept free of sockets and clocks so it can be tested.
 * Every duration counts from the moment the simulator sent POST /api/v1/jobs: that is when an
 * operator clicks "run", and what "dispatched to all within 2 s" is measured from.
 */

export interface DispatchTimings {
  /** Runs of the job whose dispatch reached their simulated agent (each counted once). */
  received: number;
  firstDispatchMs: number | null;
  lastDispatchMs: number | null;
  /** POST → the last dispatch, if every run's dispatch arrived; null otherwise. */
  dispatchedToAllMs: number | null;
  /** Dispatches received per second from the POST to the last one. */
  dispatchesPerSec: number | null;
}

/** `receivedAt` on the same clock as `postedAt` (performance.now()), one entry per run. */
export function dispatchTimings(postedAt: number, receivedAt: readonly number[], runs: number): DispatchTimings {
  if (receivedAt.length === 0) {
    return { received: 0, firstDispatchMs: null, lastDispatchMs: null, dispatchedToAllMs: null, dispatchesPerSec: null };
  }
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const at of receivedAt) {
    first = Math.min(first, at);
    last = Math.max(last, at);
  }
  const lastMs = last - postedAt;
  return {
    received: receivedAt.length,
    firstDispatchMs: roundTo(first - postedAt, 1),
    lastDispatchMs: roundTo(lastMs, 1),
    dispatchedToAllMs: runs > 0 && receivedAt.length >= runs ? roundTo(lastMs, 1) : null,
    dispatchesPerSec: perSecond(receivedAt.length, lastMs),
  };
}

export interface StoreTimings {
  /** Runs dispatched to an agent whose result the collector stored. */
  stored: number;
  firstResultStoredMs: number | null;
  lastResultStoredMs: number | null;
  /** Results stored per second between the first and the last: the pace they were committed. */
  resultsStoredPerSec: number | null;
  /** The last run to end, by a result or otherwise (expired, cancelled): when the job finished. */
  lastRunEndedMs: number | null;
}

/**
 * From the runs' sentAt and finishedAt, the collector's own record of each dispatch and result
 * (Unix ms; the collector runs on this machine, so its clock is the simulator's). A run never
 * sent that ended all the same (expired with its agent offline) ended the job's wait but stored
 * no result.
 */
export function storeTimings(postedAtEpoch: number, runs: ReadonlyArray<{ sentAt: number | null; finishedAt: number | null }>): StoreTimings {
  let stored = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let lastEnded = Number.NEGATIVE_INFINITY;
  for (const { sentAt, finishedAt } of runs) {
    if (finishedAt === null) continue;
    lastEnded = Math.max(lastEnded, finishedAt);
    if (sentAt === null) continue;
    stored++;
    first = Math.min(first, finishedAt);
    last = Math.max(last, finishedAt);
  }
  const lastRunEndedMs = Number.isFinite(lastEnded) ? lastEnded - postedAtEpoch : null;
  if (stored === 0) return { stored, firstResultStoredMs: null, lastResultStoredMs: null, resultsStoredPerSec: null, lastRunEndedMs };
  return {
    stored,
    firstResultStoredMs: first - postedAtEpoch,
    lastResultStoredMs: last - postedAtEpoch,
    // One result alone has no pace; nor do results all stored within the same millisecond.
    resultsStoredPerSec: stored > 1 ? perSecond(stored, last - first) : null,
    lastRunEndedMs,
  };
}

/** Runs in every state but succeeded, leaving out states with none. */
export function notSucceeded(counts: RunCounts): { total: number; byState: Record<string, number> } {
  const byState: Record<string, number> = {};
  let total = 0;
  for (const [state, n] of Object.entries(counts)) {
    if (state === 'succeeded' || !n) continue;
    byState[state] = n;
    total += n;
  }
  return { total, byState };
}

/** Share of one core used over a span, in percent (200 % is both cores of a two-core machine). */
export function cpuPercent(cpuSecondsAtStart: number | null, cpuSecondsAtEnd: number | null, wallMs: number): number | null {
  if (cpuSecondsAtStart === null || cpuSecondsAtEnd === null || wallMs <= 0) return null;
  return roundTo(((cpuSecondsAtEnd - cpuSecondsAtStart) * 1000 / wallMs) * 100, 1);
}

export function perSecond(count: number, spanMs: number): number | null {
  return spanMs > 0 ? roundTo(count / (spanMs / 1000), 1) : null;
}
