import type { Job } from '@vigil/shared';
import type { Command } from 'commander';
import { apiPath } from '../api-client.js';
import { connect } from '../connection.js';
import { followJob, printJobResult } from '../job-follow.js';
import { jsonOption, waitTimeoutOption } from '../options.js';

export function registerJobs(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('Follow jobs started with vigil run (or by an alert runbook).')
    .addHelpText('after', `
Example:
  vigil jobs show job_0c1d... --wait`);

  jobs
    .command('show')
    .description("Show a job's runs: agent, state, exit code, duration and first line of output.")
    .argument('<id>', 'job id')
    .option('--wait', 'wait for every run to finish first')
    .addOption(waitTimeoutOption())
    .addOption(jsonOption('the Job object'))
    .addHelpText('after', `
The exit code is 0 when every run succeeded, else 1 (unfinished runs count).

Examples:
  vigil jobs show job_0c1d...
  vigil jobs show job_0c1d... --json | jq -r '.runs[0].stdout'`)
    .action(async (id: string, opts: { wait?: boolean; timeout: number; json?: boolean }, command: Command) => {
      const client = connect(command);
      const job = await client.get<Job>(apiPath`/api/v1/jobs/${id}`);
      process.exitCode = opts.wait ? await followJob(client, job, { timeoutMs: opts.timeout, json: opts.json === true }) : printJobResult(job, opts.json === true);
    });
}
