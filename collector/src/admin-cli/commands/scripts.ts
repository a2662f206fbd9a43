import type { Script, ScriptDetail } from '@vigil/shared';
import type { Command } from 'commander';
import { jsonOption, positiveInt } from '../options.js';
import { connect } from '../connection.js';
import { formatTime, orDash, printFields, printJson, printTable, printable, type Cell } from '../output.js';
import { formatParamSpec } from '../param-spec.js';
import { fetchScriptVersion, lookUpScript } from '../script-lookup.js';
import { registerScriptUpload } from './script-upload.js';

/** How lists show a script of the MSP-wide library, which every tenant may run. */
export const SHARED_LIBRARY = 'shared';

/** Who signed a version: a key id, or a reminder of what unsigned means. */
function signerCell(keyId: string | null): Cell {
  return keyId ?? { text: 'unsigned', tone: 'yellow' };
}

function showScript(script: Script): void {
  const m = script.manifest;
  printFields([
    ['id', script.id],
    ['name', script.name],
    ['version', String(script.version)],
    ['tenant', script.tenantId ?? `${SHARED_LIBRARY} (MSP-wide)`],
    ['signed by', script.signature ? script.signature.keyId : 'unsigned (agents run it only in development mode)'],
    ['digest', script.digest],
    ['signed for', m.tenant ?? 'any tenant that trusts the signer'],
    ['expires', m.expiresAt === null ? 'never' : formatTime(m.expiresAt)],
    ['approval', script.requiresApproval ? 'required for every job' : 'not required'],
    ['shell', m.shell],
    ['os', m.os.join(', ')],
    ['timeout', `${m.timeoutSec}s`],
    ['run as', m.runAs ?? 'the agent\'s account'],
    ['args', m.args.length ? JSON.stringify(m.args) : '-'],
    ['params', m.params.length ? m.params.map(formatParamSpec).join('  ') : '-'],
    ['env', Object.keys(m.env).length ? Object.entries(m.env).map(([k, v]) => `${k}=${v}`).join(' ') : '-'],
    ['created', `${formatTime(script.createdAt)} by ${script.createdBy}`],
  ]);
  const body = m.body.split('\n').map((line) => printable(line.replace(/\t/g, '    '))).join('\n');
  process.stdout.write(`\n${body}${body.endsWith('\n') ? '' : '\n'}`);
}

export function registerScripts(program: Command): void {
  const scripts = program
    .command('scripts')
    .description('The script library: list, show, add and update the scripts agents run.')
    .addHelpText('after', `
A script is signed on this machine with a key its tenant's agents trust
(vigil keys, vigil trust); agents refuse any change the signature does not
cover. Each change is a new version, signed again.

Examples:
  vigil scripts ls
  vigil scripts add ./clean-tmp.sh --name "Clean /tmp" --shell bash --os linux --sign alice.key
  vigil scripts update "Clean /tmp" ./clean-tmp.sh --sign alice.key
  vigil run "Clean /tmp" --tenant acme --wait`);

  scripts
    .command('ls')
    .description('List the scripts you can run, each at its latest version.')
    .addOption(jsonOption('the Script objects (an array)'))
    .addHelpText('after', `
Example:
  vigil scripts ls --json | jq -r '.[] | "\\(.id) \\(.name) v\\(.version)"'`)
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { scripts: listed } = await connect(command).get<{ scripts: Script[] }>('/api/v1/scripts');
      if (opts.json) return printJson(listed);
      printTable(
        ['ID', 'NAME', 'VERSION', 'SIGNED BY', 'TENANT', 'SHELL', 'OS', 'TIMEOUT', 'CREATED'],
        listed.map((s) => [s.id, s.name, String(s.version), signerCell(s.signature?.keyId ?? null), s.tenantId ?? SHARED_LIBRARY, s.shell, s.os.join(','), `${s.timeoutSec}s`, formatTime(s.createdAt)]),
        'no scripts',
      );
    });

  scripts
    .command('show')
    .description('Show one script version: signer, digest, parameters, and its body.')
    .argument('<script>', 'script id or exact name')
    .option('--version <n>', 'this version (default: the latest)', positiveInt)
    .addOption(jsonOption('the Script object'))
    .addHelpText('after', `
Examples:
  vigil scripts show scr_51ab...
  vigil scripts show "Disk report" --version 2 --json | jq -r .manifest.body > script.sh`)
    .action(async (ref: string, opts: { version?: number; json?: boolean }, command: Command) => {
      const client = connect(command);
      const { id } = await lookUpScript(client, ref);
      const script = await fetchScriptVersion(client, id, opts.version);
      if (opts.json) return printJson(script);
      showScript(script);
    });

  scripts
    .command('versions')
    .description("List a script's versions: who signed each, its digest, who uploaded it.")
    .argument('<script>', 'script id or exact name')
    .addOption(jsonOption('the version summaries (an array)'))
    .addHelpText('after', `
Example:
  vigil scripts versions "Disk report"`)
    .action(async (ref: string, opts: { json?: boolean }, command: Command) => {
      const client = connect(command);
      const { id } = await lookUpScript(client, ref);
      const detail = (await fetchScriptVersion(client, id)) as ScriptDetail;
      if (opts.json) return printJson(detail.versions);
      printTable(
        ['VERSION', 'SIGNED BY', 'DIGEST', 'UPLOADED BY', 'CREATED'],
        detail.versions.map((v) => [String(v.version), signerCell(v.signer), orDash(v.digest), v.createdBy, formatTime(v.createdAt)]),
        `script ${id} has no versions`,
      );
    });

  registerScriptUpload(scripts);
}
