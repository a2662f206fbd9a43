import { describe, expect, it } from 'vitest';
import type { RunbookPlan } from '../store/runbook-runs.js';
import { afterStep, approvalProgress, stepDeadline, stepFailure, verifyDeadline } from './runbook-steps.js';

const plan = (onFailure: Array<'stop' | 'continue'>, timeout = '5m'): RunbookPlan => ({
  name: 'fix', args: null, verify: { within: '2m' },
  steps: onFailure.map((f, i) => ({ scriptId: `scr_${i}`, params: {}, timeout, onFailure: f })),
});

describe('runbook steps', () => {
  it('describes how a step failed, or null when it succeeded', () => {
    const r = (state: Parameters<typeof stepFailure>[0]['state'], exitCode: number | null = null, error: string | null = null) => stepFailure({ state, exitCode, error });
    expect(r('succeeded', 0)).toBeNull();
    expect(r('failed', 3)).toBe('exit code 3');
    expect(r('failed', null, 'killed')).toBe('failed: killed');
    expect(r('timed_out')).toBe('timed out on the agent');
    expect(r('rejected', null, 'signature does not verify')).toBe('refused by the agent: signature does not verify');
    expect(r('error', null, 'bash not found')).toBe('could not run: bash not found');
    expect(r('expired')).toBe('expired before the agent ran it');
    expect(r('cancelled', null, 'cancelled by ann')).toBe('cancelled: cancelled by ann');
  });

  it('goes on to the next step, then to verification, after successes', () => {
    expect(afterStep(plan(['stop', 'stop']), 0, null)).toEqual({ kind: 'step', index: 1 });
    expect(afterStep(plan(['stop', 'stop']), 1, null)).toEqual({ kind: 'verify' });
  });

  it('escalates on the failure of a stop step, and carries on past a continue step', () => {
    expect(afterStep(plan(['stop', 'stop']), 0, 'exit code 1')).toEqual({ kind: 'escalate', outcome: 'step 1 failed: exit code 1' });
    expect(afterStep(plan(['continue', 'stop']), 0, 'exit code 1')).toEqual({ kind: 'step', index: 1 });
    // The last step continuing on failure still leaves the verdict to verification.
    expect(afterStep(plan(['stop', 'continue']), 1, 'timed out after 5m')).toEqual({ kind: 'verify' });
  });

  it('times a running step from its stage start, and verification likewise; nothing while waiting for approval', () => {
    const run = { state: 'running' as const, stepIndex: 0, stageStartedAt: 1000, plan: plan(['stop'], '90s') };
    expect(stepDeadline(run)).toBe(91_000);
    expect(stepDeadline({ ...run, state: 'awaiting_approval' })).toBeNull();
    expect(stepDeadline({ ...run, stageStartedAt: null })).toBeNull();
    expect(verifyDeadline({ ...run, state: 'verifying' })).toBe(121_000);
    expect(verifyDeadline(run)).toBeNull();
  });

  it('reads the approval from the job status', () => {
    expect(approvalProgress('awaiting_approval')).toBe('waiting');
    expect(approvalProgress('active')).toBe('approved');
    expect(approvalProgress('finished')).toBe('approved');
    expect(approvalProgress('rejected')).toBe('rejected');
    expect(approvalProgress('cancelled')).toBe('rejected');
    expect(approvalProgress(undefined)).toBe('rejected');
  });
});
