import type { JobRunProgress, JobSummary } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { EMPTY_OUTPUT } from '../../ui/live-output.js';
import { applyStreamMessage, describeRun, isFinalRun, isWatchOver, startWatch, type RunWatch } from './run-progress.js';

const run = (agentId: string, extra: Partial<JobRunProgress> = {}): JobRunProgress => ({
  id: `run_${agentId}`, jobId: 'job_1', agentId, state: 'queued', exitCode: null, signal: null, stdoutTruncated: false, stderrTruncated: false,
  error: null, queuedAt: 1, sentAt: null, startedAt: null, finishedAt: null, durationMs: null, ...extra,
});
const counts = { queued: 0, sent: 0, running: 0, succeeded: 0, failed: 0, timed_out: 0, rejected: 0, error: 0, expired: 0, cancelled: 0 };
const start: RunWatch = { jobId: 'job_1', status: 'active', run: null, output: EMPTY_OUTPUT };

describe('following a run through the job stream', () => {
  it('picks this agent\'s run out of the snapshot and its updates', () => {
    const job = { id: 'job_1', status: 'active', counts } as unknown as JobSummary;
    let watch = applyStreamMessage(start, { type: 'job.snapshot', job: { ...job, runs: [run('agt_other'), run('agt_me')] } }, 'agt_me');
    expect(watch.run?.agentId).toBe('agt_me');
    watch = applyStreamMessage(watch, { type: 'run.updated', run: run('agt_other', { state: 'running' }) }, 'agt_me');
    expect(watch.run?.state).toBe('queued');
    watch = applyStreamMessage(watch, { type: 'run.updated', run: run('agt_me', { state: 'running' }) }, 'agt_me');
    expect(watch.run?.state).toBe('running');
    expect(isWatchOver(watch)).toBe(false);
    watch = applyStreamMessage(watch, { type: 'run.updated', run: run('agt_me', { state: 'succeeded', exitCode: 0 }) }, 'agt_me');
    expect(isWatchOver(watch)).toBe(true);
    expect(describeRun(watch)).toEqual({ text: 'succeeded (exit 0)', tone: 'ok' });
    watch = applyStreamMessage(watch, { type: 'job.updated', status: 'finished', counts }, 'agt_me');
    expect(watch.status).toBe('finished');
  });

  it('grows this agent\'s run output as chunks arrive, ignoring other agents\' and repeats', () => {
    let watch = startWatch({ id: 'job_1', status: 'active', runs: [run('agt_me', { state: 'running' })] }, 'agt_me');
    expect(watch.run?.state).toBe('running');
    const chunk = (agentId: string, offset: number, data: string) =>
      ({ type: 'run.output' as const, runId: `run_${agentId}`, agentId, stream: 'stdout' as const, offset, data });
    watch = applyStreamMessage(watch, chunk('agt_me', 0, 'first-line\n'), 'agt_me');
    watch = applyStreamMessage(watch, chunk('agt_other', 0, 'not mine\n'), 'agt_me');
    const before = watch;
    watch = applyStreamMessage(watch, chunk('agt_me', 0, 'first-line\n'), 'agt_me');
    expect(watch).toBe(before);
    watch = applyStreamMessage(watch, chunk('agt_me', 11, 'second-line\n'), 'agt_me');
    expect(watch.output.stdout.text).toBe('first-line\nsecond-line\n');
    expect(watch.output.stderr.text).toBe('');
  });

  it('says when a job waits for approval, and when the approver refused it', () => {
    const waiting: RunWatch = { ...start, status: 'awaiting_approval', run: run('agt_me') };
    expect(describeRun(waiting)).toEqual({ text: 'awaiting approval', tone: 'warn' });
    expect(isWatchOver(waiting)).toBe(false);
    const refused: RunWatch = { ...waiting, status: 'rejected' };
    expect(isWatchOver(refused)).toBe(true);
    expect(describeRun({ ...refused, run: run('agt_me', { state: 'cancelled' }) }).text).toBe('rejected by the approver');
  });

  it('describes each way a run can end', () => {
    const ended = (extra: Partial<JobRunProgress>) => describeRun({ ...start, run: run('agt_me', extra) });
    expect(ended({ state: 'failed', exitCode: 3 })).toEqual({ text: 'failed (exit 3)', tone: 'bad' });
    expect(ended({ state: 'timed_out', signal: 'SIGKILL' })).toEqual({ text: 'timed out (signal SIGKILL)', tone: 'bad' });
    expect(ended({ state: 'rejected', error: 'unsigned script' }).text).toBe('refused by the agent: unsigned script');
    expect(ended({ state: 'expired' }).tone).toBe('warn');
    expect(ended({ state: 'sent' }).text).toBe('sent to the agent');
    expect(describeRun(start).text).toBe('queued');
    expect(isFinalRun('running')).toBe(false);
    expect(isFinalRun('cancelled')).toBe(true);
  });
});
