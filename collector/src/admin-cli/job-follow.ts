import { formatDuration, type Job, type JobStatus } from '@vigil/shared';
import { apiPath, type ApiClient } from './api-client.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from './cli-error.js';
import { progressReporter } from './job-progress.js';
import { streamJob } from './job-stream.js';
import { RUN_TABLE_HEADERS, runRows } from './job-table.js';
import { isFinal, isTransient, jobFinished, jobSucceeded, waitForJob, type JobProgress, type WaitOutcome } from './job-wait.js';
import { printJson, printTable } from './output.js';

export interface FollowOptions {
  /** How long to wait for the job to be over, approval included. */
  timeoutMs: number;
  json: boolean;
}

interface Tracking {
  deadline: number;
  signal: AbortSignal;
  onUpdate(job: JobProgress): void;
}

/** Over the live stream when the collector offers one, else (or once it breaks) by polling. */
async function track(client: ApiClient, job: JobProgress, tracking: Tracking): Promise<WaitOutcome<JobProgress>> {
  if (jobFinished(job)) return { job, finished: true };
  const streamed = await streamJob(client, job.id, tracking);
  if (streamed.kind === 'over') return { job: streamed.job, finished: true };
  if (streamed.kind === 'stopped') return { job: streamed.job ?? job, finished: false };
  process.stderr.write(`vigil: live progress unavailable (${streamed.reason}); polling instead\n`);
  return waitForJob(client, streamed.job ?? job, tracking);
}

/** One line on stderr whenever the job's status changes: approval is news worth a line. */
function statusAnnouncer(write: (line: string) => void): (job: JobProgress) => void {
  let last: JobStatus | null = null;
  return (job) => {
    if (job.status === last) return;
    const previous = last;
    last = job.status;
    if (job.status === 'awaiting_approval') write(`job ${job.id} awaits approval by someone other than who started it (vigil jobs approve ${job.id}); waiting for it\n`);
    else if (job.status === 'active' && previous === 'awaiting_approval') write(`job ${job.id} approved\n`);
    else if (job.status === 'rejected') write(`job ${job.id} rejected\n`);
    else if (job.status === 'cancelled') write(`job ${job.id} cancelled\n`);
  };
}

/** The job as the API has it, output included; what was seen last when it cannot be had. */
async function finalJob(client: ApiClient, seen: JobProgress): Promise<Job> {
  try {
    return await client.get<Job>(apiPath`/api/v1/jobs/${seen.id}`);
  } catch (error) {
    if (!isTransient(error)) throw error;
    return { ...seen, runs: seen.runs.map((run) => ({ stdout: null, stderr: null, ...run })) };
  }
}

/**
 * Waits for a job to be over (approved first if it must be), showing progress on stderr, then
 * prints each run (or the Job as JSON). Returns the exit code: 0 when every run succeeded, 1
 * otherwise, 130 when interrupted.
 */
export async function followJob(client: ApiClient, job: JobProgress, options: FollowOptions): Promise<number> {
  const reporter = progressReporter(process.stderr);
  const announce = statusAnnouncer((line) => process.stderr.write(line));
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  const onUpdate = (seen: JobProgress): void => {
    announce(seen);
    reporter.update(seen);
  };
  let outcome: WaitOutcome<JobProgress>;
  try {
    onUpdate(job);
    outcome = await track(client, job, { deadline: Date.now() + options.timeoutMs, signal: interrupt.signal, onUpdate });
  } finally {
    reporter.stop();
    process.off('SIGINT', onSigint);
  }
  const final = await finalJob(client, outcome.job);
  const printed = printJobResult(final, options.json);
  if (final.status === 'rejected') {
    const { decidedBy, comment } = final.approval;
    process.stderr.write(`vigil: job ${final.id} was rejected${decidedBy ? ` by ${decidedBy}` : ''}${comment ? `: ${comment}` : ''}\n`);
  }
  if (!outcome.finished && !jobFinished(final)) {
    const why = interrupt.signal.aborted ? 'interrupted' : `stopped waiting after ${formatDuration(options.timeoutMs)}`;
    const state = final.status === 'awaiting_approval'
      ? 'it still awaits approval'
      : `${final.runs.filter((run) => !isFinal(run)).length} of ${final.runs.length} runs unfinished`;
    process.stderr.write(`vigil: ${why}: ${state}; the job goes on (vigil jobs show ${final.id} --wait)\n`);
    return interrupt.signal.aborted ? EXIT_INTERRUPTED : EXIT_FAILURE;
  }
  return printed;
}

/** Prints a job as it stands; the exit code is 0 only when every run has succeeded. */
export function printJobResult(job: Job, json: boolean): number {
  if (json) printJson(job);
  else printTable(RUN_TABLE_HEADERS, runRows(job), `job ${job.id} has no runs`);
  return jobSucceeded(job) ? EXIT_OK : EXIT_FAILURE;
}
