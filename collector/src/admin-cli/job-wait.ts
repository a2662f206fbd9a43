import { FINAL_RUN_STATES, type Job, type JobRunProgress, type JobStatus, type JobSummary } from '@vigil/shared';
import { apiPath, ApiRequestError, type ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';

export const POLL_INTERVAL_MS = 500;

/** What progress needs of a job: the stream carries runs without their output, a GET with it. */
export type JobProgress = JobSummary & { runs: JobRunProgress[] };

/** A job nothing more will happen to. */
const OVER: readonly JobStatus[] = ['finished', 'cancelled', 'rejected'];

export function isFinal(run: Pick<JobRunProgress, 'state'>): boolean {
  return FINAL_RUN_STATES.includes(run.state);
}

/**
 * The job is over: its status says so (the collector's word, which also covers runs that have not
 * been created yet) and no run is still under way (runs already sent when a job is cancelled
 * finish).
 */
export function jobFinished(job: JobProgress): boolean {
  return OVER.includes(job.status) && job.runs.every(isFinal);
}

/** Every run succeeded; a cancelled or rejected job, or one with no runs, did not. */
export function jobSucceeded(job: JobProgress): boolean {
  if (job.status === 'cancelled' || job.status === 'rejected') return false;
  return job.runs.length > 0 && job.runs.every((run) => run.state === 'succeeded');
}

export interface WaitOptions {
  /** Unix ms by `now`'s clock: stop waiting then. */
  deadline: number;
  intervalMs?: number;
  /** Called with every job read, for progress. */
  onUpdate(job: Job): void;
  /** Aborting stops the wait (Ctrl-C) and returns what was seen last. */
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface WaitOutcome<J> {
  job: J;
  /** The job was over before the deadline. */
  finished: boolean;
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A poll that failed on the way (network, a restarting collector) is retried until the deadline. */
export function isTransient(error: unknown): boolean {
  return error instanceof ApiRequestError ? error.status >= 500 : error instanceof CliError;
}

/** Polls GET /api/v1/jobs/:id until the job is over, the deadline passes, or the signal aborts. */
export async function waitForJob<J extends JobProgress>(client: ApiClient, initial: J, options: WaitOptions): Promise<WaitOutcome<J | Job>> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const interval = options.intervalMs ?? POLL_INTERVAL_MS;
  let job: J | Job = initial;
  while (!jobFinished(job)) {
    if (options.signal?.aborted || now() + interval > options.deadline) return { job, finished: false };
    await sleep(interval, options.signal);
    if (options.signal?.aborted) return { job, finished: false };
    try {
      job = await client.get<Job>(apiPath`/api/v1/jobs/${job.id}`);
    } catch (error) {
      if (!isTransient(error)) throw error;
      continue;
    }
    options.onUpdate(job);
  }
  return { job, finished: true };
}
