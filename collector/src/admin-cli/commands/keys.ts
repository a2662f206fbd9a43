import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { defaultConfigDir } from '../config-dir.js';
import { jsonOption } from '../options.js';
import { printFields, printJson, warn } from '../output.js';
import { KEYS_FOLDER, loadKeyFile, publicKeyPem, writeNewKeyPair } from '../signing-key-files.js';

const DEFAULT_KEY_NAME = 'signing';

export function registerKeys(program: Command): void {
  const keys = program
    .command('keys')
    .description('Signing keys: the Ed25519 keys that sign scripts and trust documents, kept on this machine.')
    .addHelpText('after', `
A private key (.key) never leaves this machine: vigil signs locally and sends
the signature. Its public key (.pub) goes into a tenant's trust document
(vigil trust init / vigil trust add), which the tenant's agents pin.

Examples:
  vigil keys generate --name alice
  vigil keys show ~/.config/vigil/keys/alice.pub`);

  keys
    .command('generate')
    .description('Generate a signing key pair: <name>.key (private, 0600) and <name>.pub (public).')
    .option('--out <dir>', `folder to write them in (default: the config folder's ${KEYS_FOLDER}/)`)
    .option('--name <name>', 'file name, without .key/.pub', DEFAULT_KEY_NAME)
    .addOption(jsonOption('{ keyId, publicKey, privateKeyFile, publicKeyFile }'))
    .addHelpText('after', `
An existing file is never overwritten. Back the .key file up somewhere safe:
a lost key can no longer sign, and only another trusted key can replace it.

Examples:
  vigil keys generate
  vigil keys generate --out ./keys --name release`)
    .action((opts: { out?: string; name: string; json?: boolean }) => {
      const dir = resolve(opts.out ?? join(defaultConfigDir(), KEYS_FOLDER));
      const written = writeNewKeyPair(dir, opts.name, warn);
      if (opts.json) return printJson(written);
      printFields([
        ['key id', written.keyId],
        ['private key', `${written.privateKeyFile} (keep it secret)`],
        ['public key', written.publicKeyFile],
      ]);
    });

  keys
    .command('show')
    .description('Show the key id and public key of a .key or .pub file.')
    .argument('<file>', 'a private (.key) or public (.pub) key file')
    .option('--pem', 'print the public key as PEM only (what a .pub file holds)')
    .addOption(jsonOption('{ keyId, publicKey, hasPrivateKey }'))
    .addHelpText('after', `
The public key is printed as base64 SPKI, the form trust documents hold.

Examples:
  vigil keys show ~/.config/vigil/keys/signing.key
  vigil keys show alice.key --pem > alice.pub`)
    .action((file: string, opts: { pem?: boolean; json?: boolean }) => {
      const key = loadKeyFile(file, warn);
      // Only the public half is ever printed.
      if (opts.json) return printJson({ keyId: key.keyId, publicKey: key.publicKey, hasPrivateKey: key.privateKeyPem !== null });
      if (opts.pem) return void process.stdout.write(publicKeyPem(key.publicKey));
      printFields([
        ['key id', key.keyId],
        ['public key', key.publicKey],
        ['file holds', key.privateKeyPem !== null ? 'private key (and its public key)' : 'public key only'],
      ]);
    });
}
