import { ScriptOsSchema, type Agent, type AgentDetail } from '@vigil/shared';
import { Option, type Command } from 'commander';
import { apiPath } from '../api-client.js';
import { connect } from '../connection.js';
import { collect, jsonOption, positiveInt } from '../options.js';
import { formatTime, orDash, printFields, printJson, printTable, say, type Cell } from '../output.js';
import { agentQuery, matchesFilters, type TargetSelector } from '../target-selection.js';

export function osOption(description: string): Option {
  return new Option('--os <os>', description).choices(ScriptOsSchema.options);
}

function presenceCell(agent: Agent): Cell {
  if (agent.revokedAt !== null) return { text: 'revoked', tone: 'dim' };
  if (agent.presence === 'online') return { text: 'online', tone: 'green' };
  if (agent.presence === 'offline') return { text: 'offline', tone: 'red' };
  return agent.presence;
}

interface ListOptions {
  tenant?: string;
  site?: string;
  tag?: string[];
  os?: string;
  limit?: number;
  json?: boolean;
}

export function registerAgents(program: Command): void {
  const agents = program
    .command('agents')
    .description('List, inspect and revoke enrolled agents.')
    .addHelpText('after', `
Examples:
  vigil agents ls --tenant acme --os linux
  vigil agents show agt_3f9c...
  vigil agents revoke agt_3f9c...`);

  agents
    .command('ls')
    .description('List agents, optionally filtered.')
    .option('--tenant <tenant>', 'only agents of this tenant')
    .option('--site <site>', 'only agents of this site')
    .option('--tag <tag>', 'only agents carrying this tag (repeat for several: all must match)', collect)
    .addOption(osOption('only agents on this operating system'))
    .option('--limit <n>', 'at most this many agents (server default 1000)', positiveInt)
    .addOption(jsonOption('the Agent objects (an array)'))
    .addHelpText('after', `
Examples:
  vigil agents ls
  vigil agents ls --tenant acme --site hq --tag server
  vigil agents ls --os windows --json | jq -r '.[].hostname'`)
    .action(async (opts: ListOptions, command: Command) => {
      const selector: TargetSelector = { tenant: opts.tenant, site: opts.site, tags: opts.tag ?? [], os: opts.os, agentIds: [] };
      const { agents: listed } = await connect(command).get<{ agents: Agent[] }>('/api/v1/agents', agentQuery(selector, opts.limit));
      const shown = listed.filter((agent) => matchesFilters(agent, selector));
      if (opts.json) return printJson(shown);
      printTable(
        ['ID', 'HOSTNAME', 'TENANT', 'SITE', 'OS', 'PRESENCE', 'LAST SEEN', 'TAGS'],
        shown.map((a) => [a.id, a.hostname, a.tenantId, a.siteId, `${a.os.platform} ${a.os.distro} ${a.os.release}`.trim(), presenceCell(a), formatTime(a.lastSeenAt), a.tags.join(',') || '-']),
        'no agents',
      );
    });

  agents
    .command('show')
    .description("Show one agent: identity, presence, and what its latest frame said about each source.")
    .argument('<id>', 'agent id')
    .addOption(jsonOption('the AgentDetail object'))
    .addHelpText('after', `
Example:
  vigil agents show agt_3f9c... --json | jq .sections.inventory`)
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      const agent = await connect(command).get<AgentDetail>(apiPath`/api/v1/agents/${id}`);
      if (opts.json) return printJson(agent);
      printFields([
        ['id', agent.id],
        ['hostname', agent.hostname],
        ['tenant', agent.tenantId],
        ['site', agent.siteId],
        ['os', `${agent.os.platform} ${agent.os.distro} ${agent.os.release} (${agent.os.arch})`],
        ['agent version', agent.agentVersion],
        ['tags', agent.tags.join(', ') || '-'],
        ['presence', agent.revokedAt !== null ? 'revoked' : agent.presence],
        ['connected', agent.online ? 'yes' : 'no'],
        ['enrolled', formatTime(agent.enrolledAt)],
        ['last seen', formatTime(agent.lastSeenAt)],
        ['last seq', String(agent.lastSeq)],
        ['revoked', formatTime(agent.revokedAt)],
        ['sections', Object.keys(agent.sections).sort().join(', ') || '-'],
      ]);
      if (agent.sources.length > 0) {
        process.stdout.write('\n');
        printTable(['SOURCE', 'STATUS', 'REASON'], agent.sources.map((s) => [s.source, s.status, orDash(s.reason)]), '');
      }
    });

  agents
    .command('revoke')
    .description('Revoke an agent: its connection closes, its identity is refused from now on, and its open alerts are resolved.')
    .argument('<id>', 'agent id')
    .addHelpText('after', `
The endpoint must be enrolled again, with a new enrollment token, to report.

Example:
  vigil agents revoke agt_3f9c...`)
    .action(async (id: string, _opts: object, command: Command) => {
      await connect(command).delete(apiPath`/api/v1/agents/${id}`);
      say(`agent ${id} revoked`);
    });
}
