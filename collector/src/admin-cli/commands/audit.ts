import type { AuditEntry } from '@vigil/shared';
import { InvalidArgumentError, type Command } from 'commander';
import { durationMs, jsonOption, positiveInt } from '../options.js';
import { connect } from '../connection.js';
import { formatTime, orDash, printJson, printTable } from '../output.js';

/**
 * `--since`/`--until` as the API takes them (Unix ms), from Unix ms, a date or date-time
 * (2024-05-01, 2024-05-01T08:00:00Z; local time without an offset), or a duration back from now (24h).
 */
export function timeBound(value: string, now = Date.now()): string {
  const text = value.trim();
  if (/^\d+$/.test(text)) return text;
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new InvalidArgumentError(`${text} is not a valid date`);
    return String(ms);
  }
  return String(now - durationMs(text));
}

interface ListOptions {
  tenant?: string;
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  since?: string;
  until?: string;
  limit?: number;
  json?: boolean;
}

export function registerAudit(program: Command): void {
  const audit = program
    .command('audit')
    .description('The audit log: who changed what, when and from where.')
    .addHelpText('after', `
Example:
  vigil audit ls --since 24h --action user.create`);

  audit
    .command('ls')
    .description('List audit entries, optionally filtered.')
    .option('--tenant <tenant>', 'only entries of this tenant')
    .option('--actor <name>', 'only entries by this user or token')
    .option('--action <action>', 'only this action (e.g. alert.ack)')
    .option('--target-type <type>', 'only entries about this kind of object (e.g. user, agent)')
    .option('--target-id <id>', 'only entries about this object')
    .option('--since <time>', 'from this time: Unix ms, a date (2024-05-01), an ISO date-time, or a duration back from now (24h)', (v) => timeBound(v))
    .option('--until <time>', 'up to this time, in the same forms', (v) => timeBound(v))
    .option('--limit <n>', 'at most this many entries (server default 500)', positiveInt)
    .addOption(jsonOption('the AuditEntry objects (an array)'))
    .addHelpText('after', `
Examples:
  vigil audit ls --since 7d --actor alice
  vigil audit ls --target-type agent --target-id agt_3f9c... --json`)
    .action(async (opts: ListOptions, command: Command) => {
      const query = {
        tenant: opts.tenant, actor: opts.actor, action: opts.action, targetType: opts.targetType, targetId: opts.targetId,
        since: opts.since, until: opts.until, limit: opts.limit,
      };
      const { entries } = await connect(command).get<{ entries: AuditEntry[] }>('/api/v1/audit', query);
      if (opts.json) return printJson(entries);
      printTable(
        ['AT', 'ACTOR', 'ACTION', 'TENANT', 'TARGET', 'SOURCE'],
        entries.map((e) => [formatTime(e.at), `${e.actorName} (${e.actorType})`, e.action, orDash(e.tenantId), e.targetType ? `${e.targetType} ${orDash(e.targetId)}` : '-', orDash(e.sourceIp)]),
        'no audit entries',
      );
    });
}
