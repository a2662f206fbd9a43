import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { registerAgents } from './commands/agents.js';
import { registerAlerts } from './commands/alerts.js';
import { registerAudit } from './commands/audit.js';
import { registerJobs } from './commands/jobs.js';
import { registerLogin } from './commands/login.js';
import { registerLogout } from './commands/logout.js';
import { registerRun } from './commands/run.js';
import { registerScripts } from './commands/scripts.js';
import { registerSites } from './commands/sites.js';
import { registerTenants } from './commands/tenants.js';
import { registerTokens } from './commands/tokens.js';
import { registerUsers } from './commands/users.js';
import { registerWhoami } from './commands/whoami.js';

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * The `vigil` command tree. Errors are thrown rather than exiting (exitOverride), so main.ts
 * decides every exit code in one place.
 */
export function createProgram(): Command {
  const program = new Command('vigil')
    .description('Administer a Vigil collector over its REST API: agents, alerts, scripts and jobs, tenants, users, tokens, audit.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'vigil: ')) })
    .showHelpAfterError('(add --help for usage)')
    .addOption(new Option('--server <url>', 'collector URL, e.g. https://vigil.example.com:8443 (default: the stored login\'s)').env('VIGIL_SERVER'))
    .addOption(new Option('--token <token>', 'API token to use instead of the stored login').env('VIGIL_TOKEN'))
    .addHelpText('after', `
Credentials: --token and --server, else $VIGIL_TOKEN and $VIGIL_SERVER, else
the login stored by vigil login.
Exit codes: 0 success, 1 the server refused or a run failed, 2 a usage error.

Examples:
  vigil login --server https://vigil.example.com:8443
  vigil agents ls --tenant acme
  vigil alerts ls --state active
  vigil run "Disk report" --tenant acme --tag server --wait
  vigil <command> --help`);

  registerLogin(program);
  registerLogout(program);
  registerWhoami(program);
  registerAgents(program);
  registerAlerts(program);
  registerScripts(program);
  registerRun(program);
  registerJobs(program);
  registerTenants(program);
  registerSites(program);
  registerUsers(program);
  registerTokens(program);
  registerAudit(program);
  return program;
}

/** Every command path, groups and leaves alike: ['agents'], ['agents', 'ls'], … */
export function commandPaths(command: Command, prefix: readonly string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}
