import { formatDuration, type Job } from '@vigil/shared';
import type { ApiClient } from './api-client.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from './cli-error.js';
import { progressReporter } from './job-progress.js';
import { RUN_TABLE_HEADERS, runRows } from './job-table.js';
import { isFinal, jobSucceeded, waitForJob } from './job-wait.js';
import { printJson, printTable } from './output.js';

export interface FollowOptions {
  /** How long to wait for every run to finish. */
  timeoutMs: number;
  json: boolean;
}

/**
 * Waits for a job's runs to finish, showing progress on stderr, then prints each run (or the Job
 * as JSON). Returns the exit code: 0 when every run succeeded, 1 otherwise, 130 when interrupted.
 */
export async function followJob(client: ApiClient, job: Job, options: FollowOptions): Promise<number> {
  const reporter = progressReporter(process.stderr);
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  let outcome;
  try {
    outcome = await waitForJob(client, job, { timeoutMs: options.timeoutMs, onUpdate: (j) => reporter.update(j), signal: interrupt.signal });
  } finally {
    reporter.stop();
    process.off('SIGINT', onSigint);
  }
  const printed = printJobResult(outcome.job, options.json);
  if (!outcome.finished) {
    const unfinished = outcome.job.runs.filter((run) => !isFinal(run)).length;
    const why = interrupt.signal.aborted ? 'interrupted' : `stopped waiting after ${formatDuration(options.timeoutMs)}`;
    process.stderr.write(`vigil: ${why}: ${unfinished} of ${outcome.job.runs.length} runs unfinished; the job goes on (vigil jobs show ${outcome.job.id} --wait)\n`);
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
