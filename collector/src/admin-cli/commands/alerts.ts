import { AlertStateSchema, PrioritySchema, type Alert, type AlertAck } from '@vigil/shared';
import { Option, type Command } from 'commander';
import { apiPath } from '../api-client.js';
import { connect } from '../connection.js';
import { durationText, jsonOption } from '../options.js';
import { formatTime, printJson, printTable, say, type Cell, type Tone } from '../output.js';

const PRIORITY_TONE: Record<Alert['priority'], Tone> = { P1: 'red', P2: 'red', P3: 'yellow', P4: 'dim' };

function alertRow(alert: Alert): Cell[] {
  const flags = [alert.flapping ? 'flapping' : '', alert.suppressedBy ? 'suppressed' : '', alert.maintenanceWindowId ? 'maintenance' : ''].filter(Boolean);
  return [
    alert.id,
    { text: alert.priority, tone: PRIORITY_TONE[alert.priority] },
    alert.state,
    alert.hostname,
    alert.tenantId,
    alert.ruleName,
    `${alert.metric} ${alert.op} ${alert.threshold}`,
    String(alert.value),
    formatTime(alert.openedAt),
    flags.join(',') || '-',
  ];
}

interface ListOptions {
  state?: string;
  priority?: string;
  tenant?: string;
  agent?: string;
  json?: boolean;
}

export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('List, acknowledge and resolve alerts.')
    .addHelpText('after', `
Examples:
  vigil alerts ls --state active --priority P1
  vigil alerts ack alr_8d2e... --comment "on it" --expires 2h
  vigil alerts resolve alr_8d2e... --comment "disk cleaned up"`);

  alerts
    .command('ls')
    .description('List alerts, optionally filtered.')
    .addOption(new Option('--state <state>', 'only alerts in this state; active = open or acknowledged').choices([...AlertStateSchema.options, 'active']))
    .addOption(new Option('--priority <priority>', 'only alerts of this priority').choices(PrioritySchema.options))
    .option('--tenant <tenant>', 'only alerts of this tenant')
    .option('--agent <id>', 'only alerts of this agent')
    .addOption(jsonOption('the Alert objects (an array)'))
    .addHelpText('after', `
Examples:
  vigil alerts ls --state active
  vigil alerts ls --tenant acme --priority P2 --json | jq -r '.[].id'`)
    .action(async (opts: ListOptions, command: Command) => {
      const query = { state: opts.state, priority: opts.priority, tenant: opts.tenant, agentId: opts.agent };
      const { alerts: listed } = await connect(command).get<{ alerts: Alert[] }>('/api/v1/alerts', query);
      if (opts.json) return printJson(listed);
      printTable(['ID', 'PRIO', 'STATE', 'HOST', 'TENANT', 'RULE', 'CONDITION', 'VALUE', 'OPENED', 'FLAGS'], listed.map(alertRow), 'no alerts');
    });

  alerts
    .command('ack')
    .description('Acknowledge an open alert: someone is on it.')
    .argument('<id>', 'alert id')
    .option('--comment <text>', 'a note kept on the alert')
    .option('--expires <duration>', 'the acknowledgement lapses after this long (e.g. 2h) and the alert reopens if still unresolved', durationText)
    .addOption(jsonOption('the updated Alert object'))
    .addHelpText('after', `
Examples:
  vigil alerts ack alr_8d2e...
  vigil alerts ack alr_8d2e... --comment "rebooting tonight" --expires 12h`)
    .action(async (id: string, opts: { comment?: string; expires?: string; json?: boolean }, command: Command) => {
      const body: AlertAck = { ...(opts.comment !== undefined ? { comment: opts.comment } : {}), ...(opts.expires !== undefined ? { expiresIn: opts.expires } : {}) };
      const alert = await connect(command).post<Alert>(apiPath`/api/v1/alerts/${id}/ack`, body);
      if (opts.json) return printJson(alert);
      say(`alert ${alert.id} acknowledged by ${alert.acknowledgedBy ?? '-'}${alert.ackExpiresAt !== null ? ` until ${formatTime(alert.ackExpiresAt)}` : ''}`);
    });

  alerts
    .command('resolve')
    .description('Resolve an alert by hand.')
    .argument('<id>', 'alert id')
    .option('--comment <text>', 'a note kept on the alert')
    .addOption(jsonOption('the updated Alert object'))
    .addHelpText('after', `
An alert whose rule still breaches opens again (the same alert, its occurrences
counted).

Example:
  vigil alerts resolve alr_8d2e... --comment "replaced the disk"`)
    .action(async (id: string, opts: { comment?: string; json?: boolean }, command: Command) => {
      const alert = await connect(command).post<Alert>(apiPath`/api/v1/alerts/${id}/resolve`, opts.comment !== undefined ? { comment: opts.comment } : {});
      if (opts.json) return printJson(alert);
      say(`alert ${alert.id} resolved by ${alert.resolvedBy ?? '-'}`);
    });
}
