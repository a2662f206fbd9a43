import type { JobRun, JobRunProgress } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { pageMissesOutput, pageWindow, withLiveProgress } from './live-runs.js';

const run = (patch: Partial<JobRun> = {}): JobRun => ({
  id: 'run_1', jobId: 'job_1', agentId: 'agt_1', state: 'queued', exitCode: null, signal: null, stdout: null, stderr: null,
  stdoutTruncated: false, stderrTruncated: false, error: null, queuedAt: 1, sentAt: null, startedAt: null, finishedAt: null, durationMs: null, ...patch,
});
const progress = (patch: Partial<JobRunProgress> = {}): JobRunProgress => {
  const { stdout: _stdout, stderr: _stderr, ...rest } = run(patch);
  return rest;
};

describe('withLiveProgress', () => {
  it('takes the stream\'s copy when it is further along, keeping the page\'s output', () => {
    const merged = withLiveProgress(run({ stdout: 'partial' }), progress({ state: 'running', startedAt: 5 }));
    expect(merged).toMatchObject({ state: 'running', startedAt: 5, stdout: 'partial' });
  });

  it('keeps the page\'s copy when it is as far or further along', () => {
    const page = run({ state: 'succeeded', exitCode: 0, stdout: 'done' });
    expect(withLiveProgress(page, progress({ state: 'running' }))).toBe(page);
    expect(withLiveProgress(page, progress({ state: 'succeeded', exitCode: 0 }))).toBe(page);
    expect(withLiveProgress(page, undefined)).toBe(page);
  });
});

describe('pageMissesOutput', () => {
  it('is true only when the stream saw a run of the page finish that the page shows unfinished', () => {
    const page = [run({ id: 'a', state: 'running' }), run({ id: 'b', state: 'succeeded' })];
    expect(pageMissesOutput(page, new Map([['a', progress({ id: 'a', state: 'running' })]]))).toBe(false);
    expect(pageMissesOutput(page, new Map([['b', progress({ id: 'b', state: 'succeeded' })]]))).toBe(false);
    expect(pageMissesOutput(page, new Map([['a', progress({ id: 'a', state: 'failed' })]]))).toBe(true);
    expect(pageMissesOutput(page, new Map([['other', progress({ id: 'other', state: 'failed' })]]))).toBe(false);
  });
});

describe('pageWindow', () => {
  it('labels the page and gives the offsets either side', () => {
    expect(pageWindow(0, 50, 0)).toEqual({ label: 'none', previous: null, next: null });
    expect(pageWindow(10, 50, 0)).toEqual({ label: '1–10 of 10', previous: null, next: null });
    expect(pageWindow(10_000, 50, 50)).toEqual({ label: `51–100 of ${(10_000).toLocaleString()}`, previous: 0, next: 100 });
    expect(pageWindow(120, 50, 100)).toEqual({ label: '101–120 of 120', previous: 50, next: null });
  });

  it('clamps an offset past the end (the runs shrank under a filter) to the last row', () => {
    expect(pageWindow(3, 50, 200)).toEqual({ label: '3–3 of 3', previous: 0, next: null });
  });
});
