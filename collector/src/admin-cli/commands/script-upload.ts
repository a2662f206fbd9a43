import { ScriptOsSchema, ShellSchema, type Script, type ScriptManifest } from '@vigil/shared';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { apiPath, ApiRequestError, type ApiClient } from '../api-client.js';
import { CliError, UsageError } from '../cli-error.js';
import { connect } from '../connection.js';
import { collect, durationMs, jsonOption } from '../options.js';
import { printJson, say, warn } from '../output.js';
import { collectParamSpec } from '../param-spec.js';
import { lookUpScript } from '../script-lookup.js';
import { manifestFromFlags, manifestOnlyFlags, signedScriptRequest, unsignedScriptRequest, type ManifestFlags } from '../script-manifest-flags.js';
import { loadSigningKey } from '../signing-key-files.js';

/** `--timeout 90`, `--timeout 2m`: whole seconds, as the script's timeoutSec. */
export function timeoutSeconds(value: string): number {
  const seconds = Math.round(durationMs(value) / 1000);
  if (seconds < 1) throw new InvalidArgumentError('must be at least 1s');
  return seconds;
}

/** `--os linux,windows`. */
export function osList(value: string): ScriptManifest['os'] {
  return value.split(',').map((item) => {
    const parsed = ScriptOsSchema.safeParse(item.trim());
    if (!parsed.success) throw new InvalidArgumentError(`${item.trim() || '(empty)'} is not one of ${ScriptOsSchema.options.join(', ')}`);
    return parsed.data;
  });
}

/** `--env NAME=value`, repeatable. */
export function collectEnv(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('expected NAME=value');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** `--expires 90d` (how long the signature holds) or `--expires never`. */
export function signatureLifetime(value: string): number | 'never' {
  return value.trim() === 'never' ? 'never' : durationMs(value);
}

interface UploadOptions extends ManifestFlags {
  requiresApproval?: boolean;
  sign?: string;
  json?: boolean;
}

const UNSIGNED_WARNING = 'the script is not signed: agents run it only in development mode (vigil-agent run --allow-unsigned); sign it with --sign KEY.key';

function readBody(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The manifest's flags, shared by add and update. */
function addManifestOptions(command: Command, isUpdate: boolean): Command {
  const keep = isUpdate ? ' (default: as in the latest version)' : '';
  return command
    .option('--timeout <duration>', `the agent kills the script after this long: seconds or a duration${isUpdate ? keep : ' (default 60)'}`, timeoutSeconds)
    .option('--os <list>', `operating systems it runs on, comma-separated${isUpdate ? keep : ` (default all: ${ScriptOsSchema.options.join(',')})`}`, osList)
    .option('--arg <value>', `a fixed argument, signed with the script (repeat for several)${keep}`, collect)
    .option('--env <NAME=value>', `an environment variable for the script (repeatable)${keep}`, collectEnv)
    .option('--param <spec>', `a parameter each run fills in: name:type[:required][=default] (repeatable, in argument order)${keep}`, collectParamSpec)
    .option('--run-as <user>', `run as this local user (agents running as root)${keep}`)
    .option('--expires <duration>', `the signature stops being accepted after this long, e.g. 90d, or never${isUpdate ? keep : ' (default never)'}`, signatureLifetime)
    .option('--requires-approval', 'every job of it waits for an approver other than who started it')
    .option('--sign <key-file>', 'sign with this private key (.key), trusted by the tenant\'s agents');
}

/** Sends a script body, turning the server's signature refusals into what to do about them. */
async function upload(client: ApiClient, path: string, request: unknown, signer: string | null, tenant: string | null): Promise<Script> {
  try {
    return await client.post<Script>(path, request);
  } catch (error) {
    if (error instanceof ApiRequestError && error.code === 'unknown_signer' && signer !== null) {
      const where = tenant ? `--tenant ${tenant}` : '--tenant T';
      throw new ApiRequestError(error.status, error.code, error.apiMessage, `${signer} is not in the trust document: vigil trust show ${where}; add it with vigil trust add ${where} --pub KEY.pub --name NAME --sign TRUSTED.key`);
    }
    throw error;
  }
}

function reportUploaded(script: Script, json: boolean | undefined, isUpdate: boolean): void {
  if (json) return printJson(script);
  if (isUpdate) say(`script ${script.id} version ${script.version}, ${script.signature ? `signed by ${script.signature.keyId}` : 'unsigned'}`);
  else say(script.id);
  process.stderr.write(`${script.name} version ${script.version}: digest ${script.digest}\n`);
}

export function registerScriptUpload(scripts: Command): void {
  addManifestOptions(
    scripts
      .command('add')
      .description('Add a script to the library from a file, signed with --sign; prints its id.')
      .argument('<file>', 'file holding the script body')
      .requiredOption('--name <name>', 'the name shown in lists (vigil run also accepts it)')
      .addOption(new Option('--shell <shell>', 'interpreter the agent runs the body with').choices(ShellSchema.options).makeOptionMandatory())
      .option('--tenant <tenant>', "the tenant that owns it; the signature then holds for that tenant's agents only (default: the shared library, owners only)"),
    false,
  )
    .addOption(jsonOption('the created Script object'))
    .addHelpText('after', `
A parameter is declared with its type, and each run's value is checked by the
agent against that signed declaration:
  --param path:string:required   --param level:enum(low|high)=low
  --param count:integer(1..100)=10   --param force:boolean
Values reach the script as arguments after the fixed ones, in declared order,
and as VIGIL_PARAM_<NAME> environment variables, never through a shell.

Without --sign the script goes up unsigned, which agents run only in
development mode (vigil-agent run --allow-unsigned).

Examples:
  vigil scripts add ./disk-report.sh --name "Disk report" --shell bash --sign alice.key
  vigil scripts add ./restart.ps1 --name "Restart service" --shell powershell \\
    --os windows --timeout 5m --tenant acme --param service:string:required \\
    --expires 90d --requires-approval --sign alice.key`)
    .action(async (file: string, opts: UploadOptions, command: Command) => {
      const body = readBody(file);
      const client = connect(command);
      if (opts.sign === undefined) {
        const manifestOnly = manifestOnlyFlags(opts);
        // The older unsigned shape has no room for these: send them as an unsigned manifest instead.
        const request = manifestOnly.length === 0
          ? unsignedScriptRequest(body, opts, opts.requiresApproval === true)
          : signedScriptRequest(manifestFromFlags(body, opts, Date.now()), null, { tenant: opts.tenant ?? null, requiresApproval: opts.requiresApproval === true });
        warn(UNSIGNED_WARNING);
        return reportUploaded(await upload(client, '/api/v1/scripts', request, null, opts.tenant ?? null), opts.json, false);
      }
      const signer = loadSigningKey(opts.sign, warn);
      const manifest = manifestFromFlags(body, opts, Date.now());
      const request = signedScriptRequest(manifest, signer, { tenant: opts.tenant ?? null, requiresApproval: opts.requiresApproval === true });
      reportUploaded(await upload(client, '/api/v1/scripts', request, signer.keyId, opts.tenant ?? null), opts.json, false);
    });

  addManifestOptions(
    scripts
      .command('update')
      .description('Add the next version of a script: the latest one with what the flags change, signed again.')
      .argument('<script>', 'script id or exact name')
      .argument('[file]', 'file holding the new body (default: the latest body)')
      .addOption(new Option('--shell <shell>', 'interpreter (default: as in the latest version)').choices(ShellSchema.options)),
    true,
  )
    .option('--no-requires-approval', 'jobs of it no longer wait for an approver')
    .addOption(jsonOption('the new Script version'))
    .addHelpText('after', `
Flags not given keep the latest version's value; --arg, --env and --param given
replace that list as a whole. The name stays. Jobs already started keep the
version they ran.

Examples:
  vigil scripts update "Disk report" ./disk-report.sh --sign alice.key
  vigil scripts update scr_51ab... --param path:string:required --expires 90d --sign bob.key`)
    .action(async (ref: string, file: string | undefined, opts: UploadOptions, command: Command) => {
      const body = file === undefined ? undefined : readBody(file);
      const signer = opts.sign === undefined ? null : loadSigningKey(opts.sign, warn);
      const client = connect(command);
      const latest = await lookUpScript(client, ref);
      const current = await client.get<Script>(apiPath`/api/v1/scripts/${latest.id}`);
      // An unsigned successor of a signed script would stop it running anywhere but on development agents.
      if (signer === null && current.signature !== null) {
        throw new UsageError(`version ${current.version} of ${current.name} is signed by ${current.signature.keyId}: sign the next version too (--sign KEY.key)`);
      }
      const manifest = manifestFromFlags(body, opts, Date.now(), current.manifest);
      const request = signedScriptRequest(manifest, signer, { tenant: current.tenantId, requiresApproval: opts.requiresApproval });
      if (signer === null) warn(UNSIGNED_WARNING);
      reportUploaded(await upload(client, apiPath`/api/v1/scripts/${current.id}/versions`, request, signer?.keyId ?? null, current.tenantId), opts.json, true);
    });
}
