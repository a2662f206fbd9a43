import type { SignedTrust, StoredTrust } from '@vigil/shared';
import type { Command } from 'commander';
import { apiPath, ApiRequestError, type ApiClient } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { connect } from '../connection.js';
import { jsonOption } from '../options.js';
import { formatTime, printFields, printJson, printTable, say, warn } from '../output.js';
import { keyFileStem, loadKeyFile, loadSigningKey } from '../signing-key-files.js';
import { defaultConfigDir } from '../config-dir.js';
import { assertIntact, initialTrust, trustWithKey, trustWithoutKey } from '../trust-document.js';
import { checkAgainstRemembered, recallTrust, rememberTrust, trustMemoryPath } from '../trust-memory.js';

const trustPath = (tenant: string): string => apiPath`/api/v1/tenants/${tenant}/trust`;

/** The tenant's current trust document, or null when it has none yet. */
async function currentTrust(client: ApiClient, tenant: string): Promise<StoredTrust | null> {
  try {
    return await client.get<StoredTrust>(trustPath(tenant));
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 404) return null;
    throw error;
  }
}

const memoryOf = (client: ApiClient, tenant: string): string => trustMemoryPath(defaultConfigDir(), client.server, tenant);

/**
 * The collector's current document, to build a change on: only if it is the one this CLI last
 * saw or a successor signed by one of its keys (see trust-memory.ts). The first time, the keys
 * are shown so that whoever signs can see what they vouch for.
 */
async function requireTrust(client: ApiClient, tenant: string): Promise<StoredTrust> {
  const current = await currentTrust(client, tenant);
  if (!current) throw new CliError(`tenant ${tenant} has no trust document (or does not exist): start one with vigil trust init --tenant ${tenant} --key KEY.key`);
  assertIntact(current);
  const recall = checkAgainstRemembered(recallTrust(memoryOf(client, tenant)), current);
  if (!recall.ok) throw new CliError(recall.reason);
  if (recall.firstSight) {
    warn(`first sight of ${tenant}'s trust document on this machine (version ${current.document.version}): it trusts ${current.document.keys.map((k) => `${k.keyId} (${k.name})`).join(', ')}; check these are your administrators' keys`);
  }
  return current;
}

async function publish(client: ApiClient, tenant: string, signed: SignedTrust, json: boolean | undefined): Promise<void> {
  const stored = await client.put<StoredTrust>(trustPath(tenant), signed);
  rememberTrust(memoryOf(client, tenant), signed);
  if (json) return printJson(stored);
  const { document } = signed;
  say(`trust version ${document.version} for ${tenant}, signed by ${signed.signature.keyId}: ${document.keys.map((k) => `${k.keyId} (${k.name})`).join(', ')}`);
}

interface TenantOption {
  tenant: string;
  json?: boolean;
}

export function registerTrust(program: Command): void {
  const trust = program
    .command('trust')
    .description("A tenant's trust document: the signing keys its agents accept scripts from.")
    .addHelpText('after', `
Agents pin their tenant's trust document when they enroll, and accept a new
version only when a key of the version they hold signed it. So: start the
document before enrolling agents, and keep at least two keys in it (a lost
key can only be replaced by another trusted key).

Examples:
  vigil keys generate --name alice
  vigil trust init --tenant acme --key ~/.config/vigil/keys/alice.key --name "Alice (laptop)"
  vigil trust add --tenant acme --pub bob.pub --name "Bob" --sign ~/.config/vigil/keys/alice.key
  vigil trust remove --tenant acme --key-id key_AbC... --sign bob.key
  vigil trust show --tenant acme`);

  trust
    .command('show')
    .description("Show a tenant's trusted keys, the document's version and who signed it.")
    .requiredOption('--tenant <tenant>', 'tenant id')
    .addOption(jsonOption('{ document, signature, createdBy, createdAt }'))
    .action(async (opts: TenantOption, command: Command) => {
      const stored = await connect(command).get<StoredTrust>(trustPath(opts.tenant));
      if (opts.json) return printJson(stored);
      const { document, signature } = stored;
      printFields([
        ['tenant', document.tenant],
        ['version', String(document.version)],
        ['issued', formatTime(document.issuedAt)],
        ['signed by', signature.keyId],
        ['uploaded', `${formatTime(stored.createdAt)} by ${stored.createdBy}`],
      ]);
      process.stdout.write('\n');
      printTable(['KEY ID', 'NAME', 'PUBLIC KEY'], document.keys.map((k) => [k.keyId, k.name, k.publicKey]), 'no keys');
    });

  trust
    .command('init')
    .description("Start a tenant's trust document (version 1) with one key, signed by that key.")
    .requiredOption('--tenant <tenant>', 'tenant id')
    .requiredOption('--key <file>', 'the private key (.key) to trust and sign with')
    .option('--name <name>', "whose key, shown in lists (default: the key file's name)")
    .addOption(jsonOption('the stored trust document'))
    .addHelpText('after', `
Agents enrolled before this have nothing pinned and refuse signed scripts
until enrolled again.

Example:
  vigil trust init --tenant acme --key ~/.config/vigil/keys/alice.key --name "Alice (laptop)"`)
    .action(async (opts: TenantOption & { key: string; name?: string }, command: Command) => {
      const key = loadSigningKey(opts.key, warn);
      const client = connect(command);
      const existing = await currentTrust(client, opts.tenant);
      if (existing) {
        throw new CliError(`tenant ${opts.tenant} already has trust version ${existing.document.version}: change it with vigil trust add or vigil trust remove`);
      }
      const signed = initialTrust(opts.tenant, { keyId: key.keyId, publicKey: key.publicKey, name: opts.name ?? keyFileStem(opts.key) }, key, Date.now());
      await publish(client, opts.tenant, signed, opts.json);
    });

  trust
    .command('add')
    .description('Trust one more key: a new version, signed by a key already trusted.')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .requiredOption('--pub <file>', 'the public key (.pub) to trust; a .key file works too')
    .requiredOption('--name <name>', 'whose key, shown in lists')
    .requiredOption('--sign <file>', 'a private key (.key) trusted in the current version')
    .addOption(jsonOption('the stored trust document'))
    .addHelpText('after', `
Example:
  vigil trust add --tenant acme --pub bob.pub --name "Bob (ops)" --sign alice.key`)
    .action(async (opts: TenantOption & { pub: string; name: string; sign: string }, command: Command) => {
      const added = loadKeyFile(opts.pub, warn);
      const signer = loadSigningKey(opts.sign, warn);
      const client = connect(command);
      const current = await requireTrust(client, opts.tenant);
      const signed = trustWithKey(current.document, { keyId: added.keyId, publicKey: added.publicKey, name: opts.name }, signer, Date.now());
      await publish(client, opts.tenant, signed, opts.json);
    });

  trust
    .command('remove')
    .description('Stop trusting a key: a new version without it, signed by a key already trusted.')
    .requiredOption('--tenant <tenant>', 'tenant id')
    .requiredOption('--key-id <id>', 'the key to remove (vigil trust show)')
    .requiredOption('--sign <file>', 'a private key (.key) trusted in the current version')
    .addOption(jsonOption('the stored trust document'))
    .addHelpText('after', `
The last key cannot be removed. Scripts signed by the removed key stop running
on agents once they have the new version.

Example:
  vigil trust remove --tenant acme --key-id key_AbC... --sign bob.key`)
    .action(async (opts: TenantOption & { keyId: string; sign: string }, command: Command) => {
      const signer = loadSigningKey(opts.sign, warn);
      const client = connect(command);
      const current = await requireTrust(client, opts.tenant);
      const signed = trustWithoutKey(current.document, opts.keyId, signer, Date.now());
      await publish(client, opts.tenant, signed, opts.json);
    });
}
