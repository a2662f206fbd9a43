import { PERMISSIONS, type ApiToken, type IssuedToken, type TokenInput, type TokenInputSchema } from '@vigil/shared';
import { InvalidArgumentError, type Command } from 'commander';
import type { z } from 'zod';
import { apiPath } from '../api-client.js';
import { connect } from '../connection.js';
import { durationText, jsonOption } from '../options.js';
import { formatTime, printJson, printTable, say, type Cell } from '../output.js';

/** `--scopes alerts:read,alerts:act` or `*`, each checked against the permissions the API knows. */
export function scopeList(value: string): TokenInput['scopes'] {
  const scopes = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (scopes.length === 0) throw new InvalidArgumentError('give * or permissions such as alerts:read,alerts:act');
  for (const scope of scopes) {
    if (scope !== '*' && !(PERMISSIONS as readonly string[]).includes(scope)) {
      throw new InvalidArgumentError(`${scope} is not a permission; known: *, ${PERMISSIONS.join(', ')}`);
    }
  }
  return scopes as TokenInput['scopes'];
}

function tokenState(token: ApiToken, now: number): Cell {
  if (token.revokedAt !== null) return { text: 'revoked', tone: 'dim' };
  if (token.expiresAt !== null && token.expiresAt <= now) return { text: 'expired', tone: 'dim' };
  return 'active';
}

export function registerTokens(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('Your personal API tokens, for scripts and integrations.')
    .addHelpText('after', `
A token acts for you with at most the scopes it was given, and never more than
your role allows.

Examples:
  vigil tokens create monitoring --scopes alerts:read,agents:read --expires 30d
  vigil tokens ls
  vigil tokens revoke tok_9a7b...`);

  tokens
    .command('ls')
    .description('List your tokens and sessions (never their secrets).')
    .addOption(jsonOption('the ApiToken objects (an array)'))
    .addHelpText('after', `
Example:
  vigil tokens ls --json | jq -r '.[] | select(.revokedAt == null) | .id'`)
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { tokens: listed } = await connect(command).get<{ tokens: ApiToken[] }>('/api/v1/tokens');
      if (opts.json) return printJson(listed);
      const now = Date.now();
      printTable(
        ['ID', 'NAME', 'KIND', 'SCOPES', 'STATE', 'CREATED', 'EXPIRES', 'LAST USED'],
        listed.map((t) => [t.id, t.name, t.kind, t.scopes.join(','), tokenState(t, now), formatTime(t.createdAt), formatTime(t.expiresAt), formatTime(t.lastUsedAt)]),
        'no tokens',
      );
    });

  tokens
    .command('create')
    .description('Create an API token and print its secret, this once.')
    .argument('<name>', 'what the token is for')
    .option('--scopes <list>', "comma-separated permissions, or * for everything your role allows (default *)", scopeList)
    .option('--expires <duration>', 'lifetime, at most a year (default 90d)', durationText)
    .addOption(jsonOption('the IssuedToken object, secret included'))
    .addHelpText('after', `
Only the secret goes to stdout, so it can be captured. Store it now: it cannot
be shown again.

Examples:
  vigil tokens create backup-check --scopes jobs:read,jobs:run --expires 30d
  TOKEN=$(vigil tokens create grafana --scopes alerts:read)`)
    .action(async (name: string, opts: { scopes?: TokenInput['scopes']; expires?: string; json?: boolean }, command: Command) => {
      const input: z.input<typeof TokenInputSchema> = {
        name, ...(opts.scopes ? { scopes: opts.scopes } : {}), ...(opts.expires ? { expiresIn: opts.expires } : {}),
      };
      const issued = await connect(command).post<IssuedToken>('/api/v1/tokens', input);
      if (opts.json) printJson(issued);
      else say(issued.token);
      process.stderr.write(`token ${issued.id} "${issued.name}" created, valid until ${formatTime(issued.expiresAt)}. Store the secret now: it is shown only once.\n`);
    });

  tokens
    .command('revoke')
    .description('Revoke a token: it stops working at once.')
    .argument('<id>', 'token id')
    .addHelpText('after', `
Example:
  vigil tokens revoke tok_9a7b...`)
    .action(async (id: string, _opts: object, command: Command) => {
      await connect(command).delete(apiPath`/api/v1/tokens/${id}`);
      say(`token ${id} revoked`);
    });
}
