import type { WhoAmI } from '@vigil/shared';
import type { Command } from 'commander';
import { connect } from '../connection.js';
import { jsonOption } from '../options.js';
import { printFields, printJson } from '../output.js';

export function tenantList(tenants: readonly string[]): string {
  return tenants.includes('*') ? 'all' : tenants.join(', ') || '-';
}

export function registerWhoami(program: Command): void {
  program
    .command('whoami')
    .description('Show who the token acts for: user, role, tenants and permissions.')
    .addOption(jsonOption('the WhoAmI object'))
    .addHelpText('after', `
Examples:
  vigil whoami
  vigil whoami --json | jq -r .permissions[]`)
    .action(async (opts: { json?: boolean }, command: Command) => {
      const client = connect(command);
      const me = await client.get<WhoAmI>('/api/v1/auth/me');
      if (opts.json) return printJson(me);
      printFields([
        ['server', client.server],
        ['user', me.user ? `${me.user.username}${me.user.displayName && me.user.displayName !== me.user.username ? ` (${me.user.displayName})` : ''}` : '- (a token without a user)'],
        ['role', me.role],
        ['tenants', me.role === 'owner' ? 'all' : tenantList(me.tenants)],
        ['token', me.tokenId],
        ['permissions', me.permissions.join(' ')],
      ]);
    });
}
