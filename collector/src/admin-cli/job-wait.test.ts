import type { Job, JobRun, RunState } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { ApiRequestError, type ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';
import { lineReporter, summarizeStates } from './job-progress.js';
import { runRow } from './job-table.js';
import { jobSucceeded, waitForJob } from './job-wait.js';

function run(agentId: string, state: RunState, fields: Partial<JobRun> = {}): JobRun {
  return {
    id: `run_${agentId}`, jobId: 'job_1', agentId, state, exitCode: null, signal: null, stdout: null, stderr: null,
    stdoutTruncated: false, stderrTruncated: false, error: null, queuedAt: 0, sentAt: null, startedAt: null, finishedAt: null, durationMs: null, ...fields,
  };
}

function job(...runs: JobRun[]): Job {
  return { id: 'job_1', scriptId: 'scr_1', scriptName: 'test', alertId: null, tenantId: null, createdBy: 'alice', createdAt: 0, args: [], runs };
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
    const outcome = await waitForJob(client, job(run('a', 'queued'), run('b', 'queued')), { timeoutMs: 10_000, onUpdate: (j) => seen.push(summarizeStates(j)), now, sleep });
    expect(outcome.finished).toBe(true);
    expect(seen).toEqual(['2 queued', '1 running, 1 queued', '1 succeeded, 1 failed']);
    expect(jobSucceeded(outcome.job)).toBe(false);
  });

  it('stops at the deadline with what it saw last', async () => {
    const { client, now, sleep } = fakes(Array.from({ length: 100 }, () => job(run('a', 'running'))));
    const outcome = await waitForJob(client, job(run('a', 'queued')), { timeoutMs: 2_000, intervalMs: 500, onUpdate: () => {}, now, sleep });
    expect(outcome).toMatchObject({ finished: false, job: { runs: [{ state: 'running' }] } });
  });

  it('retries a poll that failed on the way, but not a refusal', async () => {
    const flaky = fakes([new CliError('cannot reach x'), new ApiRequestError(503, 'unavailable', 'restarting'), job(run('a', 'succeeded'))]);
    await expect(waitForJob(flaky.client, job(run('a', 'queued')), { timeoutMs: 10_000, onUpdate: () => {}, now: flaky.now, sleep: flaky.sleep })).resolves.toMatchObject({ finished: true });
    const refused = fakes([new ApiRequestError(404, 'not_found', 'job job_1 does not exist')]);
    await expect(waitForJob(refused.client, job(run('a', 'queued')), { timeoutMs: 10_000, onUpdate: () => {}, now: refused.now, sleep: refused.sleep })).rejects.toThrow(/does not exist/);
  });

  it('returns at once when interrupted', async () => {
    const { client, now, sleep } = fakes([]);
    const interrupt = new AbortController();
    interrupt.abort();
    await expect(waitForJob(client, job(run('a', 'queued')), { timeoutMs: 10_000, onUpdate: () => {}, signal: interrupt.signal, now, sleep })).resolves.toMatchObject({ finished: false });
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
  });

  it('shows agent, state, exit code, duration and the first line of output', () => {
    expect(runRow(run('a', 'succeeded', { exitCode: 0, durationMs: 1_500, stdout: 'hello\nworld\n' }))).toEqual(['a', { text: 'succeeded', tone: 'green' }, '0', '2s', 'hello']);
    expect(runRow(run('b', 'failed', { exitCode: null, signal: 'SIGKILL', stderr: 'boom\n' }))).toEqual(['b', { text: 'failed', tone: 'red' }, 'SIGKILL', '-', 'boom']);
    expect(runRow(run('c', 'rejected', { error: 'script not allowed on windows' }))[4]).toBe('script not allowed on windows');
    expect(runRow(run('d', 'queued'))).toEqual(['d', 'queued', '-', '-', '']);
  });
});
