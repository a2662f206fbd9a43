import { UserInputSchema } from '@vigil/shared';
import type { Command } from 'commander';
import { createUser } from '../auth/user-service.js';
import { CLI_ACTOR, parsedOrExit, withOfflineStore } from './offline.js';

/** All of stdin, less the one line break `echo` or a terminal adds. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

interface CreateOptions { username: string; role: string; tenants: string; displayName?: string; passwordStdin?: boolean; data: string }

async function createUserCommand(opts: CreateOptions): Promise<void> {
  // Never from an argument: it would show in the process list and the shell history.
  if (!opts.passwordStdin) {
    process.stderr.write('vigil-collector: give the password on stdin with --password-stdin\n');
    process.exit(2);
  }
  const input = parsedOrExit(UserInputSchema.safeParse({
    username: opts.username, role: opts.role, password: await readStdin(),
    tenants: opts.tenants.split(',').map((t) => t.trim()).filter(Boolean),
    ...(opts.displayName === undefined ? {} : { displayName: opts.displayName }),
  }));
  const user = await withOfflineStore(opts.data, (store, audit) =>
    createUser({ store, now: Date.now }, input, { role: 'owner', userId: null }, (entry) => audit.recordAs(CLI_ACTOR, entry)));
  process.stdout.write(`${user.id}\n`);
}

export function addUserCommand(program: Command): void {
  const user = program.command('user').description('Manage users directly in the database (the first owner, or when no one can log in).');
  user
    .command('create')
    .description('Create a user with the password read from stdin; prints the new user id alone on stdout.')
    .requiredOption('--username <username>', 'login name: letters, digits and . _ @ -')
    .requiredOption('--role <role>', 'owner, admin, technician or viewer')
    .option('--tenants <tenants>', 'comma-separated tenants the user works in (existing ones; none for an owner)', '')
    .option('--display-name <name>', 'the name shown in the console (default: the username)')
    .option('--password-stdin', 'read the password (at least 12 characters) from stdin')
    .option('--data <dir>', 'data directory (env VIGIL_DATA)', process.env.VIGIL_DATA ?? './data')
    .action(createUserCommand);
}
