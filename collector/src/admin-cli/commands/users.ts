import { RoleSchema, type User, type UserInput, type UserPatch } from '@vigil/shared';
import { Option, type Command } from 'commander';
import { apiPath, ApiRequestError, type ApiClient } from '../api-client.js';
import { UsageError } from '../cli-error.js';
import { connect } from '../connection.js';
import { commaList, jsonOption } from '../options.js';
import { formatTime, printJson, printTable, say, type Cell } from '../output.js';
import { promptNewPassword, readSecretFromStdin, stdinIsTerminal } from '../prompt.js';
import { tenantList } from './whoami.js';

function userState(user: User, now: number): Cell {
  if (user.disabledAt !== null) return { text: 'disabled', tone: 'dim' };
  if (user.lockedUntil !== null && user.lockedUntil > now) return { text: `locked until ${formatTime(user.lockedUntil)}`, tone: 'red' };
  return 'active';
}

/** The user's id, given the id or the username; left as given when nothing matches (the server answers 404). */
export async function resolveUserId(client: ApiClient, ref: string): Promise<string> {
  let users: User[];
  try {
    users = (await client.get<{ users: User[] }>('/api/v1/users')).users;
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 403) return ref;
    throw error;
  }
  return users.find((u) => u.id === ref || u.username === ref.toLowerCase())?.id ?? ref;
}

/** A password piped in with --password-stdin, else typed twice on the terminal without echo. */
async function newPassword(fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin) return readSecretFromStdin('password');
  if (!stdinIsTerminal()) throw new UsageError('stdin is not a terminal: give --password-stdin and pipe the password in');
  return promptNewPassword();
}

interface AddOptions {
  role: UserInput['role'];
  tenants?: string[];
  displayName?: string;
  passwordStdin?: boolean;
  json?: boolean;
}

export function registerUsers(program: Command): void {
  const users = program
    .command('users')
    .description('People who use Vigil: list, add, disable, set passwords, unlock.')
    .addHelpText('after', `
Roles: owner (every tenant), admin, technician (acts on alerts, runs scripts),
viewer (read only). Every role but owner works in the tenants given with
--tenants.

Examples:
  vigil users add alice --role technician --tenants acme,globex
  printf '%s\\n' "$PASSWORD" |
    vigil users add ci-bot --role viewer --tenants acme --password-stdin
  vigil users passwd alice
  vigil users unlock alice
  vigil users rm alice`);

  users
    .command('ls')
    .description('List users.')
    .addOption(jsonOption('the User objects (an array)'))
    .addHelpText('after', `
Example:
  vigil users ls --json | jq -r '.[] | select(.role == "admin") | .username'`)
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { users: listed } = await connect(command).get<{ users: User[] }>('/api/v1/users');
      if (opts.json) return printJson(listed);
      const now = Date.now();
      printTable(
        ['ID', 'USERNAME', 'NAME', 'ROLE', 'TENANTS', 'TOTP', 'STATE', 'CREATED'],
        listed.map((u) => [u.id, u.username, u.displayName, u.role, u.role === 'owner' ? 'all' : tenantList(u.tenants), u.totpEnabled ? 'on' : 'off', userState(u, now), formatTime(u.createdAt)]),
        'no users',
      );
    });

  users
    .command('add')
    .description('Add a user; prints the new user\'s id. The password is asked twice (no echo) or read from stdin.')
    .argument('<username>', 'login name: letters, digits and . _ @ -')
    .addOption(new Option('--role <role>', 'what the user may do').choices(RoleSchema.options).makeOptionMandatory())
    .option('--tenants <list>', 'comma-separated tenants the user works in (required unless --role owner)', commaList)
    .option('--display-name <name>', 'full name shown in lists')
    .option('--password-stdin', 'read the password from stdin instead of asking')
    .addOption(jsonOption('the created User object'))
    .addHelpText('after', `
Passwords are at least 12 characters.

Examples:
  vigil users add alice --role admin --tenants acme --display-name "Alice Doe"
  printf '%s\\n' "$PASSWORD" | vigil users add noc --role owner --password-stdin`)
    .action(async (username: string, opts: AddOptions, command: Command) => {
      if (opts.role !== 'owner' && !opts.tenants?.length) throw new UsageError(`a ${opts.role} works in named tenants: give --tenants a,b`);
      const client = connect(command);
      const input: UserInput = {
        username, role: opts.role, tenants: opts.tenants ?? [], password: await newPassword(opts.passwordStdin),
        ...(opts.displayName !== undefined ? { displayName: opts.displayName } : {}),
      };
      const user = await client.post<User>('/api/v1/users', input);
      if (opts.json) return printJson(user);
      say(user.id);
    });

  users
    .command('rm')
    .description('Disable a user and revoke all their tokens and sessions.')
    .argument('<user>', 'user id or username')
    .addHelpText('after', `
The user is kept (the audit log names them) but can no longer log in.

Example:
  vigil users rm alice`)
    .action(async (ref: string, _opts: object, command: Command) => {
      const client = connect(command);
      const id = await resolveUserId(client, ref);
      await client.delete(apiPath`/api/v1/users/${id}`);
      say(`user ${ref} disabled; their tokens are revoked`);
    });

  users
    .command('passwd')
    .description("Set a user's password: asked twice (no echo), or read from stdin.")
    .argument('<user>', 'user id or username')
    .option('--password-stdin', 'read the new password from stdin instead of asking')
    .addHelpText('after', `
Examples:
  vigil users passwd alice
  printf '%s\\n' "$NEW_PASSWORD" | vigil users passwd alice --password-stdin`)
    .action(async (ref: string, opts: { passwordStdin?: boolean }, command: Command) => {
      const client = connect(command);
      const password = await newPassword(opts.passwordStdin);
      const id = await resolveUserId(client, ref);
      const patch: UserPatch = { password };
      await client.patch<User>(apiPath`/api/v1/users/${id}`, patch);
      say(`password of ${ref} changed`);
    });

  users
    .command('unlock')
    .description('Unlock a user locked out after too many failed logins.')
    .argument('<user>', 'user id or username')
    .addHelpText('after', `
Example:
  vigil users unlock alice`)
    .action(async (ref: string, _opts: object, command: Command) => {
      const client = connect(command);
      const id = await resolveUserId(client, ref);
      await client.post(apiPath`/api/v1/users/${id}/unlock`);
      say(`user ${ref} unlocked`);
    });
}
