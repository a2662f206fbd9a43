import { describeZodError, RunbookInputSchema, RunbookRunStateSchema, type Runbook, type RunbookRun } from '@vigil/shared';
import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { CliError, UsageError } from '../cli-error.js';
import { connect } from '../connection.js';
import { jsonOption } from '../options.js';
import { firstLine, formatTime, orDash, printJson, printTable, say, type Cell } from '../output.js';
import { SHARED_LIBRARY } from './scripts.js';

/** A runbook file: JSON, checked against the API's schema so a mistake is found before sending. */
export function readRunbookFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  // Checked against the shape it means (steps, or the older single scriptId), so the error names its fields.
  const [withSteps, single] = RunbookInputSchema.options;
  const shape = typeof body === 'object' && body !== null && Object.hasOwn(body, 'scriptId') ? single : withSteps;
  const checked = shape.safeParse(body);
  if (!checked.success) throw new UsageError(`${file}: ${describeZodError(checked.error)}`);
  // Sent as written: the server applies its own defaults.
  return body;
}

function stateCell(state: RunbookRun['state']): Cell {
  if (state === 'resolved') return { text: state, tone: 'green' };
  if (state === 'escalated' || state === 'rejected') return { text: state, tone: 'red' };
  if (state === 'capped') return { text: state, tone: 'dim' };
  return { text: state, tone: 'yellow' };
}

export function registerRunbooks(program: Command): void {
  const runbooks = program
    .command('runbooks')
    .description('Runbooks: the steps an alert runs to remediate itself, and what their runs did.')
    .addHelpText('after', `
Examples:
  vigil runbooks ls
  vigil runbooks add ./disk-cleanup.json
  vigil runbooks runs --alert alr_7e2f...`);

  runbooks
    .command('ls')
    .description('List the runbooks you can see.')
    .addOption(jsonOption('the Runbook objects (an array)'))
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { runbooks: listed } = await connect(command).get<{ runbooks: Runbook[] }>('/api/v1/runbooks');
      if (opts.json) return printJson(listed);
      printTable(
        ['ID', 'NAME', 'TENANT', 'STEPS', 'VERIFY', 'MAX/H ALERT', 'MAX/H AGENT', 'APPROVAL', 'CREATED'],
        listed.map((r) => [
          r.id, r.name, r.tenantId ?? SHARED_LIBRARY, r.steps.map((s) => (s.version !== undefined ? `${s.scriptId}@${s.version}` : s.scriptId)).join(' > '),
          r.verify.within, String(r.maxRunsPerAlertPerHour), String(r.maxRunsPerAgentPerHour), r.requiresApproval ? 'required' : '-', formatTime(r.createdAt),
        ]),
        'no runbooks',
      );
    });

  runbooks
    .command('add')
    .description('Add a runbook from a JSON file (the body of POST /api/v1/runbooks); prints its id.')
    .argument('<file>', 'JSON file: { name, tenant?, steps: [{ scriptId, version?, params, timeout, onFailure }], verify: { within }, ... }')
    .addOption(jsonOption('the created Runbook object'))
    .addHelpText('after', `
Example file:
  { "name": "Free disk space", "tenant": "acme",
    "steps": [{ "scriptId": "scr_51ab...", "params": { "path": "/var/log" }, "timeout": "5m", "onFailure": "stop" }],
    "verify": { "within": "2m" }, "maxRunsPerAlertPerHour": 1, "maxRunsPerAgentPerHour": 3 }
A rule runs it when its alert opens: set the rule's runbookId to the id printed.

Example:
  vigil runbooks add ./free-disk-space.json`)
    .action(async (file: string, opts: { json?: boolean }, command: Command) => {
      const body = readRunbookFile(file);
      const runbook = await connect(command).post<Runbook>('/api/v1/runbooks', body);
      if (opts.json) return printJson(runbook);
      say(runbook.id);
    });

  runbooks
    .command('runs')
    .description("List runbook runs: each step's job, and whether the alert's condition cleared.")
    .option('--alert <id>', 'only runs for this alert')
    .option('--agent <id>', 'only runs on this agent')
    .addOption(new Option('--state <state>', 'only runs in this state').choices(RunbookRunStateSchema.options))
    .addOption(jsonOption('the RunbookRun objects (an array)'))
    .addHelpText('after', `
Examples:
  vigil runbooks runs --alert alr_7e2f...
  vigil runbooks runs --state escalated --json | jq -r '.[].output'`)
    .action(async (opts: { alert?: string; agent?: string; state?: string; json?: boolean }, command: Command) => {
      const { runs } = await connect(command).get<{ runs: RunbookRun[] }>('/api/v1/runbook-runs', { alertId: opts.alert, agentId: opts.agent, state: opts.state });
      if (opts.json) return printJson(runs);
      printTable(
        ['ID', 'RUNBOOK', 'ALERT', 'AGENT', 'STATE', 'STEP', 'JOBS', 'STARTED', 'OUTCOME'],
        runs.map((r) => [r.id, r.runbookId, r.alertId, r.agentId, stateCell(r.state), String(r.stepIndex + 1), r.jobIds.join(',') || '-', formatTime(r.startedAt), orDash(firstLine(r.outcome))]),
        'no runbook runs',
      );
    });
}
