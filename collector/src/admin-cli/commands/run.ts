import { describeZodError, JobInputSchema, type Job, type Script } from '@vigil/shared';
import { Option, type Command } from 'commander';
import type { z } from 'zod';
import { ApiRequestError, type ApiClient } from '../api-client.js';
import { CliError, UsageError } from '../cli-error.js';
import { connect } from '../connection.js';
import { followJob } from '../job-follow.js';
import { collect, durationText, jsonOption, positiveInt, waitTimeoutOption } from '../options.js';
import { printJson, say } from '../output.js';
import { collectParamValue, typedParams } from '../run-params.js';
import { fetchScriptVersion, lookUpScript } from '../script-lookup.js';
import { describeSelector, jobTargets, requireSelection, type TargetSelector } from '../target-selection.js';
import { osOption } from './agents.js';

/** Body of POST /api/v1/jobs, before the API's defaults apply. */
export type JobRequest = z.input<typeof JobInputSchema>;

export interface RunOptions {
  version?: number;
  tenant?: string;
  site?: string;
  tag?: string[];
  os?: string;
  agent?: string[];
  param?: Record<string, string>;
  arg?: string[];
  offline?: 'run' | 'expire';
  expires?: string;
  concurrency?: number;
  rate?: number;
  wait?: boolean;
  timeout: number;
  json?: boolean;
}

const OFFLINE_POLICY = { run: 'run_on_reconnect', expire: 'expire' } as const;

function selectorOf(opts: RunOptions): TargetSelector {
  return { tenant: opts.tenant, site: opts.site, tags: opts.tag ?? [], os: opts.os, agentIds: opts.agent ?? [] };
}

/** The job's body from the options; the params typed by the version that will run. */
export function jobRequest(script: Pick<Script, 'id' | 'manifest'>, opts: RunOptions): JobRequest {
  const selector = selectorOf(opts);
  requireSelection(selector);
  const request: JobRequest = {
    scriptId: script.id,
    ...(opts.version !== undefined ? { version: opts.version } : {}),
    targets: jobTargets(selector),
    params: typedParams(script.manifest.params, opts.param ?? {}),
    ...(opts.arg ? { args: opts.arg } : {}),
    ...(opts.offline ? { offline: OFFLINE_POLICY[opts.offline] } : {}),
    ...(opts.expires ? { expiresIn: opts.expires } : {}),
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    ...(opts.rate !== undefined ? { ratePerSec: opts.rate } : {}),
  };
  // Checked against the API's own schema so a mistake (--expires 40d) is a usage error, before anything is sent.
  const checked = JobInputSchema.safeParse(request);
  if (!checked.success) throw new UsageError(describeZodError(checked.error));
  return request;
}

/** POST /api/v1/jobs; a selection matching no agent is said in the terms the user typed. */
async function startJob(client: ApiClient, request: JobRequest, selector: TargetSelector): Promise<Job> {
  try {
    return await client.post<Job>('/api/v1/jobs', request);
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 400 && /: no agent matches$/.test(error.apiMessage)) {
      throw new CliError(`no agent matches ${describeSelector(selector)}: nothing was run`);
    }
    throw error;
  }
}

function describeJob(job: Job): string {
  const agents = job.runs.length;
  return `job ${job.id}: ${job.scriptName} v${job.version} on ${agents} agent${agents === 1 ? '' : 's'}`;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run a script on the chosen agents; prints the job id, or waits for the results with --wait.')
    .argument('<script>', 'script id or exact name')
    .option('--version <n>', 'this version of the script (default: the latest)', positiveInt)
    .option('--tenant <tenant>', "the tenant's agents")
    .option('--site <site>', "the site's agents")
    .option('--tag <tag>', 'agents carrying this tag (repeat for several: all must match)', collect)
    .addOption(osOption('agents on this operating system'))
    .option('--agent <id>', 'this agent (repeatable)', collect)
    .option('--param <name=value>', 'a value for a parameter the script declares (repeatable)', collectParamValue)
    .option('--arg <value>', "unsigned scripts only: an argument replacing the script's own (repeatable)", collect)
    .addOption(new Option('--offline <policy>', 'agents offline now: run when they reconnect, or let their run expire').choices(['run', 'expire']))
    .option('--expires <duration>', 'runs not sent by then expire, and agents refuse them after (default 24h)', durationText)
    .option('--concurrency <n>', 'at most this many runs under way at once', positiveInt)
    .option('--rate <n>', 'at most this many dispatches per second', positiveInt)
    .option('--wait', 'wait for every run to finish (and for approval first, if needed) and print the results')
    .addOption(waitTimeoutOption())
    .addOption(jsonOption('the Job object (with --wait: once finished)'))
    .addHelpText('after', `
Give at least one of --tenant, --site, --tag, --os and --agent: the collector
runs the script on the agents that match all of them (revoked agents never).
Parameter values are typed by the script's declarations ("true", "5") and the
agent checks them against the signed declaration.

A script that requires approval starts a job awaiting approval by someone
other than you; with --wait the CLI waits for it (vigil jobs approve).

With --wait, progress goes to stderr (a bar on a terminal, else one line per
state change) and the exit code is 0 when every run succeeded, 1 when any
failed, timed out, was rejected, expired, was cancelled or was unfinished at
--timeout.

Examples:
  vigil run "Disk report" --tenant acme --site hq --wait
  vigil run "Clean logs" --tag web --tag prod --os linux --param path=/var/log --param dryRun=false --wait
  vigil run scr_51ab... --agent agt_3f9c... --offline expire --expires 1h --wait --json | jq '.runs[].stdout'`)
    .action(async (scriptRef: string, opts: RunOptions, command: Command) => {
      // A usage error before anything is sent.
      requireSelection(selectorOf(opts));
      const client = connect(command);
      const latest = await lookUpScript(client, scriptRef);
      // Parameters are typed by the version that runs, which may declare others than the latest.
      const script = opts.version === undefined || opts.version === latest.version ? latest : await fetchScriptVersion(client, latest.id, opts.version);
      const job = await startJob(client, jobRequest(script, opts), selectorOf(opts));
      if (!opts.wait) {
        if (job.status === 'awaiting_approval') process.stderr.write(`job ${job.id} awaits approval by someone other than you: vigil jobs approve ${job.id}\n`);
        return opts.json ? printJson(job) : say(job.id);
      }
      process.stderr.write(`${describeJob(job)}\n`);
      process.exitCode = await followJob(client, job, { timeoutMs: opts.timeout, json: opts.json === true });
    });
}
