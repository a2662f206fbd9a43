import type { Agent, Job, JobInput, Script } from '@vigil/shared';
import type { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { connect } from '../connection.js';
import { followJob } from '../job-follow.js';
import { collect, jsonOption, waitTimeoutOption } from '../options.js';
import { printJson, say } from '../output.js';
import { MAX_LISTED_AGENTS, agentQuery, describeSelector, hasFilters, requireSelection, selectTargets, type TargetSelector } from '../target-selection.js';
import { osOption } from './agents.js';

interface RunOptions {
  tenant?: string;
  site?: string;
  tag?: string[];
  os?: string;
  agent?: string[];
  arg?: string[];
  wait?: boolean;
  timeout: number;
  json?: boolean;
}

/** The script by id, else by its exact name (which must be unique). */
export function findScript(scripts: readonly Script[], ref: string): Script {
  const byId = scripts.find((s) => s.id === ref);
  if (byId) return byId;
  const byName = scripts.filter((s) => s.name === ref);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) throw new CliError(`${byName.length} scripts are named "${ref}": give one of their ids (${byName.map((s) => s.id).join(', ')})`);
  throw new CliError(`no script ${ref}: give a script id or name (vigil scripts ls)`);
}

async function resolveTargets(client: ApiClient, selector: TargetSelector): Promise<string[]> {
  let listed: Agent[] | null = null;
  if (hasFilters(selector)) {
    listed = (await client.get<{ agents: Agent[] }>('/api/v1/agents', agentQuery(selector, MAX_LISTED_AGENTS))).agents;
    if (listed.length >= MAX_LISTED_AGENTS) throw new CliError(`${MAX_LISTED_AGENTS} or more agents match ${describeSelector(selector)}: narrow the selection`);
  }
  const targets = selectTargets(selector, listed);
  if (targets.length === 0) throw new CliError(`no agent matches ${describeSelector(selector)}: nothing was run`);
  return targets;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run a script on the chosen agents; prints the job id, or waits for the results with --wait.')
    .argument('<script>', 'script id or exact name')
    .option('--tenant <tenant>', "the tenant's agents")
    .option('--site <site>', "the site's agents")
    .option('--tag <tag>', 'agents carrying this tag (repeat for several: all must match)', collect)
    .addOption(osOption('agents on this operating system'))
    .option('--agent <id>', 'this agent, in addition to those matched (repeatable)', collect)
    .option('--arg <value>', "an argument for the script, replacing its defaults (repeatable)", collect)
    .option('--wait', 'wait for every run to finish and print the results')
    .addOption(waitTimeoutOption())
    .addOption(jsonOption('the Job object (with --wait: once finished)'))
    .addHelpText('after', `
Give at least one of --tenant, --site, --tag, --os and --agent. An agent must
match every filter; revoked agents are left out. Agents named with --agent are
added as given.

With --wait, progress goes to stderr (a bar on a terminal, else one line per
state change) and the exit code is 0 when every run succeeded, 1 when any
failed, timed out, was rejected or was unfinished at --timeout.

Examples:
  vigil run "Disk report" --tenant acme --site hq --wait
  vigil run scr_51ab... --tag web --tag prod --os linux --arg /var/log --wait
  vigil run scr_51ab... --agent agt_3f9c... --wait --json | jq '.runs[].stdout'`)
    .action(async (scriptRef: string, opts: RunOptions, command: Command) => {
      const selector: TargetSelector = { tenant: opts.tenant, site: opts.site, tags: opts.tag ?? [], os: opts.os, agentIds: opts.agent ?? [] };
      requireSelection(selector);
      const client = connect(command);
      const { scripts } = await client.get<{ scripts: Script[] }>('/api/v1/scripts');
      const script = findScript(scripts, scriptRef);
      const agentIds = await resolveTargets(client, selector);
      const input: JobInput = { scriptId: script.id, agentIds, ...(opts.arg ? { args: opts.arg } : {}) };
      const job = await client.post<Job>('/api/v1/jobs', input);
      if (!opts.wait) return opts.json ? printJson(job) : say(job.id);
      process.stderr.write(`job ${job.id}: ${script.name} on ${agentIds.length} agent${agentIds.length === 1 ? '' : 's'}\n`);
      process.exitCode = await followJob(client, job, { timeoutMs: opts.timeout, json: opts.json === true });
    });
}
