import { JobStatusSchema, RunStateSchema, type Job, type JobList, type JobListItem, type JobRunPage, type JobSummary } from '@vigil/shared';
import { Option, type Command } from 'commander';
import { apiPath } from '../api-client.js';
import { connect } from '../connection.js';
import { followJob, printJobResult } from '../job-follow.js';
import { formatCounts } from '../job-progress.js';
import { RUN_TABLE_HEADERS, runRow } from '../job-table.js';
import { jsonOption, positiveInt, waitTimeoutOption } from '../options.js';
import { formatJobTargets } from '../target-selection.js';
import { formatTime, orDash, printJson, printTable, say, type Cell } from '../output.js';

function statusCell(status: JobSummary['status']): Cell {
  if (status === 'awaiting_approval') return { text: status, tone: 'yellow' };
  if (status === 'rejected' || status === 'cancelled') return { text: status, tone: 'dim' };
  return status;
}

/** One line per job, for `jobs ls` (summaries, targets in brief) and `approvals ls` (summaries). */
export function printJobList(jobs: ReadonlyArray<JobSummary | JobListItem>, emptyMessage: string): void {
  printTable(
    ['ID', 'SCRIPT', 'VERSION', 'STATUS', 'RUNS', 'TENANT', 'TARGETS', 'BY', 'CREATED'],
    jobs.map((j) => [
      j.id, j.scriptName, String(j.version), statusCell(j.status), formatCounts(j.counts) || '-', orDash(j.tenantId), formatJobTargets(j.targets),
      j.createdBy, formatTime(j.createdAt),
    ]),
    emptyMessage,
  );
}

function decisionCommand(jobs: Command, decision: 'approve' | 'reject'): void {
  const past = decision === 'approve' ? 'approved' : 'rejected';
  jobs
    .command(decision)
    .description(decision === 'approve' ? 'Approve a job awaiting approval: its runs are dispatched.' : 'Reject a job awaiting approval: nothing runs.')
    .argument('<id>', 'job id')
    .option('--comment <text>', 'why, recorded with the decision')
    .addOption(jsonOption('the Job object'))
    .addHelpText('after', `
The approver must be someone other than who started the job.

Example:
  vigil jobs ${decision} job_0c1d... --comment "${decision === 'approve' ? 'change CHG-1234' : 'not during business hours'}"`)
    .action(async (id: string, opts: { comment?: string; json?: boolean }, command: Command) => {
      const job = await connect(command).post<Job>(apiPath`/api/v1/jobs/${id}/${decision}`, opts.comment !== undefined ? { comment: opts.comment } : {});
      if (opts.json) return printJson(job);
      say(`job ${job.id} ${past}${job.status === 'active' ? `: ${job.runs.length} run${job.runs.length === 1 ? '' : 's'} dispatched` : ''}`);
    });
}

export function registerJobs(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('Jobs started with vigil run or by a runbook: list, follow, search their output, cancel, approve.')
    .addHelpText('after', `
Examples:
  vigil jobs ls --status active
  vigil jobs show job_0c1d... --wait
  vigil jobs runs job_0c1d... --state failed
  vigil jobs approve job_0c1d... --comment "change CHG-1234"`);

  jobs
    .command('ls')
    .description('List jobs, newest first.')
    .addOption(new Option('--status <status>', 'only jobs with this status').choices(JobStatusSchema.options))
    .option('--limit <n>', 'at most this many jobs (server default 100)', positiveInt)
    .addOption(jsonOption('the jobs (an array)'))
    .action(async (opts: { status?: JobSummary['status']; limit?: number; json?: boolean }, command: Command) => {
      const { jobs: listed } = await connect(command).get<JobList>('/api/v1/jobs', { status: opts.status, limit: opts.limit });
      // Filtered here too, should the server not know the filter.
      const shown = opts.status ? listed.filter((j) => j.status === opts.status) : listed;
      if (opts.json) return printJson(shown);
      printJobList(shown, 'no jobs');
    });

  jobs
    .command('show')
    .description("Show a job's runs: agent, state, exit code, duration and first line of output.")
    .argument('<id>', 'job id')
    .option('--wait', 'wait for the job to be over first (and for its approval, if it awaits one)')
    .addOption(waitTimeoutOption())
    .addOption(jsonOption('the Job object'))
    .addHelpText('after', `
The exit code is 0 when every run succeeded, else 1 (unfinished, expired and
cancelled runs count as not succeeded).

Examples:
  vigil jobs show job_0c1d...
  vigil jobs show job_0c1d... --json | jq -r '.runs[0].stdout'`)
    .action(async (id: string, opts: { wait?: boolean; timeout: number; json?: boolean }, command: Command) => {
      const client = connect(command);
      const job = await client.get<Job>(apiPath`/api/v1/jobs/${id}`);
      process.exitCode = opts.wait ? await followJob(client, job, { timeoutMs: opts.timeout, json: opts.json === true }) : printJobResult(job, opts.json === true);
    });

  jobs
    .command('runs')
    .description("Search a job's runs by state and by text in their output or error.")
    .argument('<id>', 'job id')
    .addOption(new Option('--state <state>', 'only runs in this state').choices(RunStateSchema.options))
    .option('--q <text>', 'only runs whose output or error contains this text')
    .option('--limit <n>', 'at most this many runs (default 500)', positiveInt)
    .option('--offset <n>', 'skip this many matching runs first', (value: string) => (value === '0' ? 0 : positiveInt(value)))
    .addOption(jsonOption('the page: { runs, total, limit, offset }'))
    .addHelpText('after', `
Examples:
  vigil jobs runs job_0c1d... --state failed
  vigil jobs runs job_0c1d... --q "No space left" --json | jq -r '.runs[].agentId'`)
    .action(async (id: string, opts: { state?: string; q?: string; limit?: number; offset?: number; json?: boolean }, command: Command) => {
      const page = await connect(command).get<JobRunPage>(apiPath`/api/v1/jobs/${id}/runs`, { state: opts.state, q: opts.q, limit: opts.limit, offset: opts.offset });
      if (opts.json) return printJson(page);
      printTable(RUN_TABLE_HEADERS, page.runs.map(runRow), 'no runs match');
      if (page.total > page.offset + page.runs.length) {
        process.stderr.write(`${page.runs.length} of ${page.total} runs shown; next page: --offset ${page.offset + page.runs.length}\n`);
      }
    });

  jobs
    .command('cancel')
    .description('Cancel a job: runs not yet sent are cancelled; runs under way finish.')
    .argument('<id>', 'job id')
    .addOption(jsonOption('the Job object'))
    .addHelpText('after', `
Example:
  vigil jobs cancel job_0c1d...`)
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      const job = await connect(command).post<Job>(apiPath`/api/v1/jobs/${id}/cancel`);
      if (opts.json) return printJson(job);
      say(`job ${job.id} ${job.status}: ${formatCounts(job.counts) || 'no runs'}`);
    });

  decisionCommand(jobs, 'approve');
  decisionCommand(jobs, 'reject');
}

export function registerApprovals(program: Command): void {
  const approvals = program
    .command('approvals')
    .description('Jobs awaiting approval: change control for scripts that require it.')
    .addHelpText('after', `
Examples:
  vigil approvals ls
  vigil jobs approve job_0c1d... --comment "change CHG-1234"`);

  approvals
    .command('ls')
    .description('List the jobs awaiting approval that you can see.')
    .addOption(jsonOption('the jobs (an array)'))
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { jobs: waiting } = await connect(command).get<{ jobs: JobSummary[] }>('/api/v1/approvals');
      if (opts.json) return printJson(waiting);
      printJobList(waiting, 'no jobs await approval');
    });
}
