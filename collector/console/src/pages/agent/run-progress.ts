import type { JobRunProgress, JobStatus, JobStreamMessage, RunState } from '@vigil/shared';
import { applyOutput, EMPTY_OUTPUT, type LiveOutput } from '../../ui/live-output.js';

/**
 * Following one job's run on this agent through the job stream: the job's status (awaiting
 * approval, active, …), the run's state and what it printed so far, and how to say where it stands.
 */
export interface RunWatch {
  jobId: string;
  status: JobStatus;
  /** This agent's run; null until the stream's snapshot names it. */
  run: JobRunProgress | null;
  /** What the run printed, live; the stored output replaces it once the run is final. */
  output: LiveOutput;
}

/** Where a run stands: all that saying so needs (the job history has it for runs not watched). */
export type RunStanding = Pick<RunWatch, 'status' | 'run'>;

/** A watch of the job's run on `agentId` as the job was created (or read). */
export function startWatch(job: { id: string; status: JobStatus; runs: readonly JobRunProgress[] }, agentId: string): RunWatch {
  return { jobId: job.id, status: job.status, run: job.runs.find((r) => r.agentId === agentId) ?? null, output: EMPTY_OUTPUT };
}

const FINAL: readonly RunState[] = ['succeeded', 'failed', 'timed_out', 'rejected', 'error', 'expired', 'cancelled'];

export function isFinalRun(state: RunState): boolean {
  return FINAL.includes(state);
}

export function applyStreamMessage(watch: RunWatch, message: JobStreamMessage, agentId: string): RunWatch {
  switch (message.type) {
    case 'job.snapshot':
      return { ...watch, status: message.job.status, run: message.job.runs.find((r) => r.agentId === agentId) ?? watch.run };
    case 'run.updated':
      return message.run.agentId === agentId ? { ...watch, run: message.run } : watch;
    case 'job.updated':
      return { ...watch, status: message.status };
    case 'run.output': {
      if (message.agentId !== agentId) return watch;
      const output = applyOutput(watch.output, message);
      return output === watch.output ? watch : { ...watch, output };
    }
  }
}

/** Nothing more will happen to the run: the output can be fetched and the stream let go. */
export function isWatchOver(watch: RunStanding): boolean {
  if (watch.run && isFinalRun(watch.run.state)) return true;
  return (watch.status === 'rejected' || watch.status === 'cancelled') && (watch.run === null || watch.run.state === 'queued');
}

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

/** A short account of where the run stands, and its colour. */
export function describeRun(watch: RunStanding): { text: string; tone: Tone } {
  const run = watch.run;
  if (watch.status === 'awaiting_approval') return { text: 'awaiting approval', tone: 'warn' };
  if (watch.status === 'rejected' && (!run || !isFinalRun(run.state) || run.state === 'cancelled')) return { text: 'rejected by the approver', tone: 'bad' };
  if (!run) return { text: 'queued', tone: 'neutral' };
  const exit = run.exitCode !== null ? ` (exit ${run.exitCode})` : run.signal ? ` (signal ${run.signal})` : '';
  const why = run.error ? `: ${run.error}` : '';
  switch (run.state) {
    case 'queued': return { text: 'queued, waiting for the agent', tone: 'neutral' };
    case 'sent': return { text: 'sent to the agent', tone: 'neutral' };
    case 'running': return { text: 'running', tone: 'neutral' };
    case 'succeeded': return { text: `succeeded${exit}`, tone: 'ok' };
    case 'failed': return { text: `failed${exit}`, tone: 'bad' };
    case 'timed_out': return { text: `timed out${exit}`, tone: 'bad' };
    case 'rejected': return { text: `refused by the agent${why}`, tone: 'bad' };
    case 'error': return { text: `could not run${why}`, tone: 'bad' };
    case 'expired': return { text: `expired before the agent came back${why}`, tone: 'warn' };
    case 'cancelled': return { text: `cancelled${why}`, tone: 'warn' };
  }
}

/** The badge class for a tone (the shared .badge-ok/-warn/-bad). */
export function toneClass(tone: Tone): string {
  return tone === 'neutral' ? 'badge' : `badge badge-${tone}`;
}
