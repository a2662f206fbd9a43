import type { Command } from 'commander';
import { apiPath } from '../api-client.js';
import { connect } from '../connection.js';
import { jsonOption } from '../options.js';
import { formatTime, printJson, printTable, say } from '../output.js';
import type { TenantRow } from '../../store/tenants.js';

export function registerTenants(program: Command): void {
  const tenants = program
    .command('tenants')
    .description('The MSP\'s clients: list, add and remove tenants.')
    .addHelpText('after', `
Examples:
  vigil tenants ls
  vigil tenants add acme --name "Acme Corp"
  vigil tenants rm acme`);

  tenants
    .command('ls')
    .description('List the tenants you can see.')
    .addOption(jsonOption('the tenants (an array)'))
    .addHelpText('after', `
Example:
  vigil tenants ls --json | jq -r '.[].id'`)
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { tenants: listed } = await connect(command).get<{ tenants: TenantRow[] }>('/api/v1/tenants');
      if (opts.json) return printJson(listed);
      printTable(['ID', 'NAME', 'CREATED'], listed.map((t) => [t.id, t.name, formatTime(t.createdAt)]), 'no tenants');
    });

  tenants
    .command('add')
    .description('Add a tenant (owners only).')
    .argument('<id>', 'tenant id: lower-case letters, digits, - and _')
    .option('--name <name>', 'display name (default: the id)')
    .addOption(jsonOption('the created tenant'))
    .addHelpText('after', `
Example:
  vigil tenants add acme --name "Acme Corp"`)
    .action(async (id: string, opts: { name?: string; json?: boolean }, command: Command) => {
      const tenant = await connect(command).post<TenantRow>('/api/v1/tenants', { id, ...(opts.name !== undefined ? { name: opts.name } : {}) });
      if (opts.json) return printJson(tenant);
      say(`tenant ${tenant.id} created`);
    });

  tenants
    .command('rm')
    .description('Remove a tenant.')
    .argument('<id>', 'tenant id')
    .addHelpText('after', `
Example:
  vigil tenants rm acme`)
    .action(async (id: string, _opts: object, command: Command) => {
      await connect(command).delete(apiPath`/api/v1/tenants/${id}`);
      say(`tenant ${id} removed`);
    });
}
