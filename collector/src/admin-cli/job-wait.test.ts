import type { Job, JobRun, JobStatus, RunState } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { ApiRequestError, type ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';
import { lineReporter, summarizeStates } from './job-progress.js';
import { runRow } from './job-table.js';
import { applyStreamMessage } from './job-stream.js';
import { jobFinished, jobSucceeded, waitForJob } from './job-wait.js';

function run(agentId: string, state: RunState, fields: Partial<JobRun> = {}): JobRun {
  return {
    id: `run_${agentId}`, jobId: 'job_1', agentId, state, exitCode: null, signal: null, stdout: null, stderr: null,
    stdoutTruncated: false, stderrTruncated: false, error: null, queuedAt: 0, sentAt: null, startedAt: null, finishedAt: null, durationMs: null, ...fields,
  };
}

function job(...runs: JobRun[]): Job {
  const status: JobStatus = runs.length > 0 && runs.every((r) => ['succeeded', 'failed', 'timed_out', 'rejected', 'error', 'expired', 'cancelled'].includes(r.state)) ? 'finished' : 'active';
  return withStatus(status, ...runs);
}

function withStatus(status: JobStatus, ...runs: JobRun[]): Job {
  const counts: Partial<Record<RunState, number>> = {};
  for (const r of runs) counts[r.state] = (counts[r.state] ?? 0) + 1;
  return {
    id: 'job_1', scriptId: 'scr_1', scriptName: 'test', version: 1, digest: 'd', alertId: null, runbookRunId: null, tenantId: null, status,
    approval: { required: false, decidedBy: null, decidedAt: null, decision: null, comment: null }, params: {}, args: [], offline: 'run_on_reconnect',
    expiresAt: 0, concurrency: 1, ratePerSec: 1, createdBy: 'alice', requestedByUserId: 'usr_alice', createdAt: 0,
    targets: { agentIds: runs.map((r) => r.agentId) }, counts: counts as Job['counts'], runs,
  };
}

/** A client whose GET answers come from a list, and a clock that only moves when the wait sleeps. */
function fakes(answers: Array<Job | Error>) {
  let clock = 0;
  const client = {
    async get() {
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as ApiClient;
  return { client, now: () => clock, sleep: async (ms: number) => void (clock += ms) };
}

describe('waitForJob', () => {
  it('polls until every run is final, reporting each read', async () => {
    const { client, now, sleep } = fakes([job(run('a', 'running'), run('b', 'queued')), job(run('a', 'succeeded'), run('b', 'failed', { exitCode: 3 }))]);
    const seen: string[] = [];
    const outcome = await waitForJob(client, job(run('a', 'queued'), run('b', 'queued')), { deadline: 10_000, onUpdate: (j) => seen.push(summarizeStates(j)), now, sleep });
    expect(outcome.finished).toBe(true);
    expect(seen).toEqual(['1 running, 1 queued', '1 succeeded, 1 failed']);
    expect(jobSucceeded(outcome.job)).toBe(false);
  });

  it('stops at the deadline with what it saw last', async () => {
    const { client, now, sleep } = fakes(Array.from({ length: 100 }, () => job(run('a', 'running'))));
    const outcome = await waitForJob(client, job(run('a', 'queued')), { deadline: 2_000, intervalMs: 500, onUpdate: () => {}, now, sleep });
    expect(outcome).toMatchObject({ finished: false, job: { runs: [{ state: 'running' }] } });
  });

  it('retries a poll that failed on the way, but not a refusal', async () => {
    const flaky = fakes([new CliError('cannot reach x'), new ApiRequestError(503, 'unavailable', 'restarting'), job(run('a', 'succeeded'))]);
    await expect(waitForJob(flaky.client, job(run('a', 'queued')), { deadline: 10_000, onUpdate: () => {}, now: flaky.now, sleep: flaky.sleep })).resolves.toMatchObject({ finished: true });
    const refused = fakes([new ApiRequestError(404, 'not_found', 'job job_1 does not exist')]);
    await expect(waitForJob(refused.client, job(run('a', 'queued')), { deadline: 10_000, onUpdate: () => {}, now: refused.now, sleep: refused.sleep })).rejects.toThrow(/does not exist/);
  });

  it('returns at once when interrupted', async () => {
    const { client, now, sleep } = fakes([]);
    const interrupt = new AbortController();
    interrupt.abort();
    await expect(waitForJob(client, job(run('a', 'queued')), { deadline: 10_000, onUpdate: () => {}, signal: interrupt.signal, now, sleep })).resolves.toMatchObject({ finished: false });
  });
});

describe('when a job is over, and whether it succeeded', () => {
  it('is over by its status, once no run is under way', () => {
    expect(jobFinished(withStatus('awaiting_approval'))).toBe(false);
    expect(jobFinished(withStatus('active'))).toBe(false);
    // The collector says when it is finished: a run it has yet to create would not show here.
    expect(jobFinished(withStatus('active', run('a', 'succeeded'), run('b', 'expired')))).toBe(false);
    expect(jobFinished(withStatus('finished', run('a', 'succeeded'), run('b', 'expired')))).toBe(true);
    for (const status of ['finished', 'cancelled', 'rejected'] as const) expect(jobFinished(withStatus(status))).toBe(true);
    // Runs already sent when a job is cancelled still finish.
    expect(jobFinished(withStatus('cancelled', run('a', 'cancelled'), run('b', 'running')))).toBe(false);
    expect(jobFinished(withStatus('cancelled', run('a', 'cancelled'), run('b', 'succeeded')))).toBe(true);
  });

  it('succeeded only when it has runs and every one succeeded', () => {
    expect(jobSucceeded(withStatus('finished', run('a', 'succeeded')))).toBe(true);
    expect(jobSucceeded(withStatus('finished', run('a', 'succeeded'), run('b', 'expired')))).toBe(false);
    expect(jobSucceeded(withStatus('cancelled', run('a', 'succeeded'), run('b', 'cancelled')))).toBe(false);
    expect(jobSucceeded(withStatus('rejected'))).toBe(false);
    expect(jobSucceeded(withStatus('finished'))).toBe(false);
  });
});

describe('the live stream of a job', () => {
  const progress = (r: JobRun) => {
    const { stdout: _o, stderr: _e, ...rest } = r;
    return rest;
  };

  it('starts from the snapshot, then applies run and status changes', () => {
    const { runs: _runs, ...summary } = withStatus('active');
    const snapshot = { ...summary, runs: [progress(run('a', 'queued'))] };
    expect(applyStreamMessage(null, { type: 'run.updated', run: progress(run('a', 'running')) })).toBeNull();
    let seen = applyStreamMessage(null, { type: 'job.snapshot', job: snapshot });
    seen = applyStreamMessage(seen, { type: 'run.updated', run: progress(run('a', 'running')) });
    seen = applyStreamMessage(seen, { type: 'run.updated', run: progress(run('b', 'queued')) });
    expect(seen!.runs.map((r) => `${r.agentId} ${r.state}`)).toEqual(['a running', 'b queued']);
    seen = applyStreamMessage(seen, { type: 'job.updated', status: 'cancelled', counts: { running: 1, cancelled: 1 } as Job['counts'] });
    seen = applyStreamMessage(seen, { type: 'run.updated', run: progress(run('b', 'cancelled')) });
    expect(seen).toMatchObject({ status: 'cancelled', counts: { running: 1, cancelled: 1 } });
    // Cancelled, but the run already sent is still under way.
    expect(jobFinished(seen!)).toBe(false);
    seen = applyStreamMessage(seen, { type: 'run.updated', run: progress(run('a', 'succeeded')) });
    expect(jobFinished(seen!)).toBe(true);
  });
});

describe('progress and results', () => {
  it('prints one line per state change when not on a terminal', () => {
    const lines: string[] = [];
    const reporter = lineReporter((line) => lines.push(line));
    reporter.update(job(run('a', 'queued'), run('b', 'queued')));
    reporter.update(job(run('a', 'running'), run('b', 'queued')));
    reporter.update(job(run('a', 'succeeded', { exitCode: 0 }), run('b', 'timed_out')));
    expect(lines).toEqual(['a queued\n', 'b queued\n', 'a running\n', 'a succeeded (exit 0)\n', 'b timed_out\n']);
    expect(summarizeStates(job(run('a', 'succeeded'), run('b', 'expired'), run('c', 'cancelled'), run('d', 'queued')))).toBe('1 succeeded, 1 expired, 1 cancelled, 1 queued');
  });

  it('shows agent, state, exit code, duration and the first line of output', () => {
    expect(runRow(run('a', 'succeeded', { exitCode: 0, durationMs: 1_500, stdout: 'hello\nworld\n' }))).toEqual(['a', { text: 'succeeded', tone: 'green' }, '0', '2s', 'hello']);
    expect(runRow(run('b', 'failed', { exitCode: null, signal: 'SIGKILL', stderr: 'boom\n' }))).toEqual(['b', { text: 'failed', tone: 'red' }, 'SIGKILL', '-', 'boom']);
    expect(runRow(run('c', 'rejected', { error: 'script not allowed on windows' }))[4]).toBe('script not allowed on windows');
    expect(runRow(run('d', 'queued'))).toEqual(['d', 'queued', '-', '-', '']);
  });
});
