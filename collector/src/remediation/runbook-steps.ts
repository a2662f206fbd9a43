import { parseDuration, type JobStatus } from '@vigil/shared';
import type { RunbookPlan, RunbookRunRecord } from '../store/runbook-runs.js';
import type { RunFinished } from './job-events.js';

/** How a step's job run ended, as the job service reports it (RunFinished) or stores it. */
export type StepFinish = Pick<RunFinished, 'state' | 'exitCode' | 'stdout' | 'stderr' | 'error' | 'finishedAt'>;

/** What comes after a step: the next one, the verify stage, or the end of the run. */
export type StepAdvance =
  | { kind: 'step'; index: number }
  | { kind: 'verify' }
  | { kind: 'escalate'; outcome: string };

/** "step 2" in outcomes: people count from one. */
export const stepLabel = (index: number) => `step ${index + 1}`;

/** Null when the step succeeded; else why it failed, in words ("exit code 3", "timed out on the agent"). */
export function stepFailure(finish: Pick<StepFinish, 'state' | 'exitCode' | 'error'>): string | null {
  const why = finish.error ? `: ${finish.error}` : '';
  switch (finish.state) {
    case 'succeeded':
      return null;
    case 'failed':
      return finish.exitCode === null ? `failed${why}` : `exit code ${finish.exitCode}`;
    case 'timed_out':
      return 'timed out on the agent';
    case 'rejected':
      return `refused by the agent${why}`;
    case 'error':
      return `could not run${why}`;
    case 'expired':
      return 'expired before the agent ran it';
    case 'cancelled':
      return `cancelled${why}`;
    default:
      // Not final (queued, sent, running): the caller only asks about finished runs.
      return `still ${finish.state}`;
  }
}

/**
 * After step `index` ended (failure null: it succeeded): a failure of a `stop` step ends the run
 * escalated; otherwise the next step, or the verify stage after the last.
 */
export function afterStep(plan: RunbookPlan, index: number, failure: string | null): StepAdvance {
  const step = plan.steps[index];
  if (failure !== null && (step?.onFailure ?? 'stop') === 'stop') return { kind: 'escalate', outcome: `${stepLabel(index)} failed: ${failure}` };
  return index + 1 < plan.steps.length ? { kind: 'step', index: index + 1 } : { kind: 'verify' };
}

/** When the running step times out (its timeout counts from when it started, or was approved); null when no step is running. */
export function stepDeadline(run: Pick<RunbookRunRecord, 'state' | 'stepIndex' | 'stageStartedAt' | 'plan'>): number | null {
  const step = run.plan.steps[run.stepIndex];
  if (run.state !== 'running' || run.stageStartedAt === null || !step) return null;
  return run.stageStartedAt + parseDuration(step.timeout);
}

/** When the verify stage gives up; null when the run is not verifying. */
export function verifyDeadline(run: Pick<RunbookRunRecord, 'state' | 'stageStartedAt' | 'plan'>): number | null {
  if (run.state !== 'verifying' || run.stageStartedAt === null) return null;
  return run.stageStartedAt + parseDuration(run.plan.verify.within);
}

/** What a step whose job waits for an approver does next, from the job's status. */
export type ApprovalProgress = 'waiting' | 'approved' | 'rejected';

export function approvalProgress(status: JobStatus | undefined): ApprovalProgress {
  if (status === 'awaiting_approval') return 'waiting';
  // A job that is gone or was cancelled before anyone decided cannot run either.
  if (status === 'rejected' || status === 'cancelled' || status === undefined) return 'rejected';
  return 'approved';
}
