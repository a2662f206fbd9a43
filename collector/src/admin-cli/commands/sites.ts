import type { Command } from 'commander';
import { connect } from '../connection.js';
import { jsonOption } from '../options.js';
import { formatTime, printJson, printTable, say } from '../output.js';
import type { SiteRow } from '../../store/tenants.js';

export function registerSites(program: Command): void {
  const sites = program
    .command('sites')
    .description("A tenant's locations: list and add sites.")
    .addHelpText('after', `
Examples:
  vigil sites ls --tenant acme
  vigil sites add --tenant acme branch-2 --name "Branch office 2"`);

  sites
    .command('ls')
    .description('List sites, of every tenant you can see or of one.')
    .option('--tenant <tenant>', "only this tenant's sites")
    .addOption(jsonOption('the sites (an array)'))
    .addHelpText('after', `
Example:
  vigil sites ls --tenant acme`)
    .action(async (opts: { tenant?: string; json?: boolean }, command: Command) => {
      const { sites: listed } = await connect(command).get<{ sites: SiteRow[] }>('/api/v1/sites', { tenant: opts.tenant });
      if (opts.json) return printJson(listed);
      printTable(['TENANT', 'ID', 'NAME', 'CREATED'], listed.map((s) => [s.tenantId, s.id, s.name, formatTime(s.createdAt)]), 'no sites');
    });

  sites
    .command('add')
    .description('Add a site to a tenant.')
    .argument('<id>', 'site id: lower-case letters, digits, - and _')
    .requiredOption('--tenant <tenant>', 'the tenant the site belongs to')
    .option('--name <name>', 'display name (default: the id)')
    .addOption(jsonOption('the created site'))
    .addHelpText('after', `
Example:
  vigil sites add --tenant acme hq --name "Head office"`)
    .action(async (id: string, opts: { tenant: string; name?: string; json?: boolean }, command: Command) => {
      const site = await connect(command).post<SiteRow>('/api/v1/sites', { tenant: opts.tenant, id, ...(opts.name !== undefined ? { name: opts.name } : {}) });
      if (opts.json) return printJson(site);
      say(`site ${site.tenantId}/${site.id} created`);
    });
}
