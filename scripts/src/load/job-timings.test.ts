import { describe, expect, it } from 'vitest';
import { cpuPercent, dispatchTimings, notSucceeded, perSecond, storeTimings } from './job-timings.js';

describe('dispatchTimings', () => {
  it('counts from the POST to the first and the last dispatch, in any order of arrival', () => {
    const timings = dispatchTimings(1000, [1900, 1200, 1500, 3000], 4);
    expect(timings).toEqual({ received: 4, firstDispatchMs: 200, lastDispatchMs: 2000, dispatchedToAllMs: 2000, dispatchesPerSec: 2 });
  });

  it('has no dispatch-to-all time while a run still waits for its dispatch', () => {
    const timings = dispatchTimings(0, [10, 20], 3);
    expect(timings.dispatchedToAllMs).toBeNull();
    expect(timings.lastDispatchMs).toBe(20);
    expect(timings.received).toBe(2);
  });

  it('reports nothing for a job none of whose dispatches arrived', () => {
    expect(dispatchTimings(0, [], 5)).toEqual({ received: 0, firstDispatchMs: null, lastDispatchMs: null, dispatchedToAllMs: null, dispatchesPerSec: null });
  });

  it('does not call a job of no runs dispatched to all', () => {
    expect(dispatchTimings(0, [], 0).dispatchedToAllMs).toBeNull();
  });
});

describe('storeTimings', () => {
  const posted = 1_700_000_000_000;
  const run = (sentAt: number | null, finishedAt: number | null) => ({ sentAt, finishedAt });

  it('times the stored results from the POST and paces them between the first and the last', () => {
    const timings = storeTimings(posted, [run(posted + 100, posted + 500), run(posted + 100, null), run(posted + 200, posted + 1500), run(posted + 150, posted + 1000)]);
    expect(timings).toEqual({ stored: 3, firstResultStoredMs: 500, lastResultStoredMs: 1500, resultsStoredPerSec: 3, lastRunEndedMs: 1500 });
  });

  it('counts runs that ended unsent (expired with their agent offline) towards the end of the job, not as results', () => {
    const timings = storeTimings(posted, [run(null, posted + 10), run(posted + 50, posted + 300), run(posted + 60, posted + 400), run(null, posted + 2000)]);
    expect(timings).toEqual({ stored: 2, firstResultStoredMs: 300, lastResultStoredMs: 400, resultsStoredPerSec: 20, lastRunEndedMs: 2000 });
  });

  it('gives no pace for a single result, or for results all stored in the same millisecond', () => {
    expect(storeTimings(0, [run(1, 40)]).resultsStoredPerSec).toBeNull();
    expect(storeTimings(0, [run(1, 40), run(2, 40), run(3, 40)]).resultsStoredPerSec).toBeNull();
    expect(storeTimings(0, [run(1, 40), run(2, 40), run(3, 40)]).lastResultStoredMs).toBe(40);
  });

  it('reports nothing before any run ended', () => {
    expect(storeTimings(0, [run(5, null), run(null, null)])).toEqual({
      stored: 0, firstResultStoredMs: null, lastResultStoredMs: null, resultsStoredPerSec: null, lastRunEndedMs: null,
    });
  });

  it('still knows when the job ended if no run was ever sent', () => {
    expect(storeTimings(0, [run(null, 70), run(null, 90)])).toMatchObject({ stored: 0, lastRunEndedMs: 90 });
  });
});

describe('notSucceeded', () => {
  it('adds up every state but succeeded, leaving out the empty ones', () => {
    expect(notSucceeded({ succeeded: 9990, failed: 3, expired: 7, queued: 0, running: 0 })).toEqual({ total: 10, byState: { failed: 3, expired: 7 } });
  });

  it('is zero when every run succeeded', () => {
    expect(notSucceeded({ succeeded: 10 })).toEqual({ total: 0, byState: {} });
  });
});

describe('cpuPercent', () => {
  it('is CPU time over wall time, where both cores busy make 200 %', () => {
    expect(cpuPercent(10, 10.5, 1000)).toBe(50);
    expect(cpuPercent(0, 4, 2000)).toBe(200);
  });

  it('is unknown without both readings or without elapsed time', () => {
    expect(cpuPercent(null, 1, 1000)).toBeNull();
    expect(cpuPercent(1, null, 1000)).toBeNull();
    expect(cpuPercent(1, 2, 0)).toBeNull();
  });
});

describe('perSecond', () => {
  it('scales a count over milliseconds to a rate, with no rate over no time', () => {
    expect(perSecond(10_000, 1250)).toBe(8000);
    expect(perSecond(5, 0)).toBeNull();
  });
});
