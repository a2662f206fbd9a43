import { FINAL_RUN_STATES, type Job, type JobRun } from '@vigil/shared';
import { apiPath, ApiRequestError, type ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';

export const POLL_INTERVAL_MS = 500;

export function isFinal(run: JobRun): boolean {
  return FINAL_RUN_STATES.includes(run.state);
}

export function jobFinished(job: Job): boolean {
  return job.runs.every(isFinal);
}

export function jobSucceeded(job: Job): boolean {
  return job.runs.every((run) => run.state === 'succeeded');
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Called with every job read, for progress. */
  onUpdate(job: Job): void;
  /** Aborting stops the wait (Ctrl-C) and returns what was seen last. */
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface WaitOutcome {
  job: Job;
  /** Every run reached a final state before the deadline. */
  finished: boolean;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
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
function isTransient(error: unknown): boolean {
  return error instanceof ApiRequestError ? error.status >= 500 : error instanceof CliError;
}

/** Polls GET /api/v1/jobs/:id until every run is final, the deadline passes, or the signal aborts. */
export async function waitForJob(client: ApiClient, initial: Job, options: WaitOptions): Promise<WaitOutcome> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const interval = options.intervalMs ?? POLL_INTERVAL_MS;
  const deadline = now() + options.timeoutMs;
  let job = initial;
  options.onUpdate(job);
  while (!jobFinished(job)) {
    if (options.signal?.aborted || now() + interval > deadline) return { job, finished: false };
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
