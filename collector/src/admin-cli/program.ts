import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { registerAgents } from './commands/agents.js';
import { registerAlerts } from './commands/alerts.js';
import { registerAudit } from './commands/audit.js';
import { registerApprovals, registerJobs } from './commands/jobs.js';
import { registerKeys } from './commands/keys.js';
import { registerLogin } from './commands/login.js';
import { registerLogout } from './commands/logout.js';
import { registerRun } from './commands/run.js';
import { registerRunbooks } from './commands/runbooks.js';
import { registerScripts } from './commands/scripts.js';
import { registerSites } from './commands/sites.js';
import { registerTenants } from './commands/tenants.js';
import { registerTokens } from './commands/tokens.js';
import { registerTrust } from './commands/trust.js';
import { registerUsers } from './commands/users.js';
import { registerWhoami } from './commands/whoami.js';

export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * The `vigil` command tree. Errors are thrown rather than exiting (exitOverride), so main.ts
 * decides every exit code in one place.
 */
export function createProgram(): Command {
  const program = new Command('vigil')
    .description('Administer a Vigil collector over its REST API: agents, alerts, signing keys and trust, scripts, jobs and runbooks, tenants, users, tokens, audit.')
    // Only -V here: commander lets a program's options appear anywhere on the line, and `run` and
    // `scripts show` have a --version N of their own. A leading --version is answered by main.ts.
    .version(packageVersion(), '-V', 'print the version (also: vigil --version)')
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
  vigil keys generate --name alice
  vigil trust init --tenant acme --key ~/.config/vigil/keys/alice.key
  vigil scripts add ./disk-report.sh --name "Disk report" --shell bash --sign ~/.config/vigil/keys/alice.key
  vigil run "Disk report" --tenant acme --tag server --wait
  vigil <command> --help`);

  registerLogin(program);
  registerLogout(program);
  registerWhoami(program);
  registerAgents(program);
  registerAlerts(program);
  registerKeys(program);
  registerTrust(program);
  registerScripts(program);
  registerRun(program);
  registerJobs(program);
  registerApprovals(program);
  registerRunbooks(program);
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
