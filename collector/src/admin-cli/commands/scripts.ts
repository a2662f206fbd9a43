import { ScriptInputSchema, ScriptOsSchema, ShellSchema, describeZodError, type Script } from '@vigil/shared';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { apiPath } from '../api-client.js';
import { CliError, UsageError } from '../cli-error.js';
import { connect } from '../connection.js';
import { collect, durationMs, jsonOption } from '../options.js';
import { formatTime, printFields, printJson, printTable, printable, say } from '../output.js';

/** Body of POST /api/v1/scripts, before the API's defaults apply. */
export type ScriptRequest = z.input<typeof ScriptInputSchema>;

/** How lists show a script of the MSP-wide library, which every tenant may run. */
const SHARED_LIBRARY = 'shared';

/** `--timeout 90`, `--timeout 2m`: whole seconds, as the script's timeoutSec. */
export function timeoutSeconds(value: string): number {
  const seconds = Math.round(durationMs(value) / 1000);
  if (seconds < 1) throw new InvalidArgumentError('must be at least 1s');
  return seconds;
}

/** `--os linux,windows`. */
export function osList(value: string): Array<z.infer<typeof ScriptOsSchema>> {
  return value.split(',').map((item) => {
    const parsed = ScriptOsSchema.safeParse(item.trim());
    if (!parsed.success) throw new InvalidArgumentError(`${item.trim() || '(empty)'} is not one of ${ScriptOsSchema.options.join(', ')}`);
    return parsed.data;
  });
}

/** `--env NAME=value`, repeatable. */
export function collectEnv(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('expected NAME=value');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

interface AddOptions {
  name: string;
  shell: string;
  timeout?: number;
  os?: Array<z.infer<typeof ScriptOsSchema>>;
  tenant?: string;
  arg?: string[];
  env?: Record<string, string>;
  json?: boolean;
}

function readBody(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

export function scriptRequest(body: string, opts: AddOptions): ScriptRequest {
  const input: ScriptRequest = {
    name: opts.name,
    shell: opts.shell as ScriptRequest['shell'],
    body,
    ...(opts.arg ? { args: opts.arg } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.timeout !== undefined ? { timeoutSec: opts.timeout } : {}),
    ...(opts.os ? { os: opts.os } : {}),
    ...(opts.tenant !== undefined ? { tenant: opts.tenant } : {}),
  };
  // Checked against the API's own schema so a mistake is a usage error, before anything is sent.
  const checked = ScriptInputSchema.safeParse(input);
  if (!checked.success) throw new UsageError(describeZodError(checked.error));
  return input;
}

export function registerScripts(program: Command): void {
  const scripts = program
    .command('scripts')
    .description('The script library: list, show and add scripts that agents run.')
    .addHelpText('after', `
Examples:
  vigil scripts ls
  vigil scripts add ./clean-tmp.sh --name "Clean /tmp" --shell bash --os linux
  vigil run "Clean /tmp" --tenant acme --wait`);

  scripts
    .command('ls')
    .description('List the scripts you can run.')
    .addOption(jsonOption('the Script objects (an array)'))
    .addHelpText('after', `
Example:
  vigil scripts ls --json | jq -r '.[] | "\\(.id) \\(.name)"'`)
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { scripts: listed } = await connect(command).get<{ scripts: Script[] }>('/api/v1/scripts');
      if (opts.json) return printJson(listed);
      printTable(
        ['ID', 'NAME', 'TENANT', 'SHELL', 'OS', 'TIMEOUT', 'CREATED'],
        listed.map((s) => [s.id, s.name, s.tenantId ?? SHARED_LIBRARY, s.shell, s.os.join(','), `${s.timeoutSec}s`, formatTime(s.createdAt)]),
        'no scripts',
      );
    });

  scripts
    .command('show')
    .description('Show one script, its body included.')
    .argument('<id>', 'script id')
    .addOption(jsonOption('the Script object'))
    .addHelpText('after', `
Example:
  vigil scripts show scr_51ab... --json | jq -r .body > script.sh`)
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      const script = await connect(command).get<Script>(apiPath`/api/v1/scripts/${id}`);
      if (opts.json) return printJson(script);
      printFields([
        ['id', script.id],
        ['name', script.name],
        ['tenant', script.tenantId ?? `${SHARED_LIBRARY} (MSP-wide)`],
        ['shell', script.shell],
        ['os', script.os.join(', ')],
        ['timeout', `${script.timeoutSec}s`],
        ['args', script.args.length ? JSON.stringify(script.args) : '-'],
        ['env', Object.keys(script.env).length ? Object.entries(script.env).map(([k, v]) => `${k}=${v}`).join(' ') : '-'],
        ['created', formatTime(script.createdAt)],
      ]);
      const body = script.body.split('\n').map((line) => printable(line.replace(/\t/g, '    '))).join('\n');
      process.stdout.write(`\n${body}${body.endsWith('\n') ? '' : '\n'}`);
    });

  scripts
    .command('add')
    .description('Add a script to the library from a file; prints its id.')
    .argument('<file>', 'file holding the script body')
    .requiredOption('--name <name>', 'the name shown in lists (vigil run also accepts it)')
    .addOption(new Option('--shell <shell>', 'interpreter the agent runs the body with').choices(ShellSchema.options).makeOptionMandatory())
    .option('--timeout <duration>', 'the agent kills the script after this long: seconds or a duration (default 60)', timeoutSeconds)
    .option('--os <list>', `operating systems it runs on, comma-separated (default all: ${ScriptOsSchema.options.join(',')})`, osList)
    .option('--tenant <tenant>', 'the tenant that owns it (default: the shared library, owners only)')
    .option('--arg <value>', 'a default argument (repeat for several; vigil run --arg replaces them)', collect)
    .option('--env <NAME=value>', 'an environment variable for the script (repeatable)', collectEnv)
    // Signing (`--sign KEY`) belongs here: the body's signature is computed from FILE before the POST.
    .addOption(jsonOption('the created Script object'))
    .addHelpText('after', `
Examples:
  vigil scripts add ./disk-report.sh --name "Disk report" --shell bash
  vigil scripts add ./restart.ps1 --name "Restart spooler" --shell powershell \\
    --os windows --timeout 5m --tenant acme
  vigil scripts add ./greet.py --name Greet --shell python --arg world \\
    --env GREETING=hello`)
    .action(async (file: string, opts: AddOptions, command: Command) => {
      const request = scriptRequest(readBody(file), opts);
      const script = await connect(command).post<Script>('/api/v1/scripts', request);
      if (opts.json) return printJson(script);
      say(script.id);
    });
}
