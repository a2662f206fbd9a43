import { generateSigningKeyPair, publicKeyOf, signingKeyId } from '@vigil/shared';
import { chmodSync, closeSync, existsSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { CliError, UsageError } from './cli-error.js';

/**
 * Administrators' signing keys on disk: `<name>.key` holds the Ed25519 private key (PKCS#8 PEM,
 * readable by its owner alone) and `<name>.pub` the public key (SPKI PEM), which is what goes
 * into a tenant's trust document. The private key never leaves this machine: the CLI signs
 * locally and sends only signatures.
 */

export const PRIVATE_KEY_SUFFIX = '.key';
export const PUBLIC_KEY_SUFFIX = '.pub';

/** The folder under the config dir where `vigil keys generate` writes by default. */
export const KEYS_FOLDER = 'keys';

export interface WrittenKeyPair {
  keyId: string;
  /** SPKI DER, base64. */
  publicKey: string;
  privateKeyFile: string;
  publicKeyFile: string;
}

/** A key read from a file: always the public half; the private one only from a .key file. */
export interface LoadedKey {
  keyId: string;
  publicKey: string;
  /** Null when the file held only the public key. */
  privateKeyPem: string | null;
}

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A key's file name: letters, digits, '.', '_' and '-', so it can never point elsewhere. */
export function checkKeyName(name: string): string {
  if (!KEY_NAME.test(name) || name.includes('..')) throw new UsageError(`--name ${name}: use letters, digits, '.', '_' and '-' (up to 100)`);
  return name;
}

/** SPKI DER (base64) as the `-----BEGIN PUBLIC KEY-----` PEM that OpenSSL and others read. */
export function publicKeyPem(publicKeySpkiBase64: string): string {
  return createPublicKey({ key: Buffer.from(publicKeySpkiBase64, 'base64'), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
}

const othersMayRead = (mode: number): boolean => (mode & 0o077) !== 0;

/** Writes one new file; 'wx' refuses to replace anything, and fchmod undoes a umask that narrowed nothing. */
function writeNewFile(file: string, text: string, mode: number): void {
  const fd = openSync(file, 'wx', mode);
  try {
    writeSync(fd, text);
    fchmodSync(fd, mode);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Generates a key pair into `dir` (created 0700 if missing) as `<name>.key` (0600) and
 * `<name>.pub` (0644). Refuses when either file exists: overwriting a private key would lose the
 * only copy of it. Returns what was written; `warn` hears about a folder others can read.
 */
export function writeNewKeyPair(dir: string, name: string, warn: (message: string) => void = () => {}): WrittenKeyPair {
  checkKeyName(name);
  const privateKeyFile = join(dir, `${name}${PRIVATE_KEY_SUFFIX}`);
  const publicKeyFile = join(dir, `${name}${PUBLIC_KEY_SUFFIX}`);
  for (const file of [privateKeyFile, publicKeyFile]) {
    if (existsSync(file)) throw new CliError(`${file} already exists: choose another --name or --out (an existing key is never overwritten)`);
  }
  try {
    const created = mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (created !== undefined && process.platform !== 'win32') chmodSync(dir, 0o700);
  } catch (error) {
    throw new CliError(`cannot create ${dir}: ${(error as Error).message}`);
  }
  if (process.platform !== 'win32' && othersMayRead(statSync(dir).mode)) {
    warn(`${dir} is open to other users; keep private keys in a folder only you can read (chmod 700 ${dir})`);
  }
  const pair = generateSigningKeyPair();
  try {
    writeNewFile(privateKeyFile, pair.privateKeyPem, 0o600);
  } catch (error) {
    throw new CliError(`cannot write ${privateKeyFile}: ${(error as Error).message}`);
  }
  try {
    writeNewFile(publicKeyFile, publicKeyPem(pair.publicKey), 0o644);
  } catch (error) {
    // Half a pair is worse than none: the next attempt would refuse over the orphaned .key.
    rmSync(privateKeyFile, { force: true });
    throw new CliError(`cannot write ${publicKeyFile}: ${(error as Error).message}`);
  }
  return { keyId: pair.keyId, publicKey: pair.publicKey, privateKeyFile, publicKeyFile };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/**
 * Reads a .key (PKCS#8 PEM) or .pub (SPKI PEM) file, whatever its name says. Only Ed25519 keys
 * are accepted; the error never quotes the file, which may hold a private key.
 */
export function loadKeyFile(file: string, warn: (message: string) => void = () => {}): LoadedKey {
  const text = readText(file);
  if (text.includes('-----BEGIN PRIVATE KEY-----')) {
    if (process.platform !== 'win32' && othersMayRead(statSync(file).mode)) {
      warn(`${file} is readable by other users; run: chmod 600 ${file}`);
    }
    let derived: { keyId: string; publicKey: string };
    try {
      derived = publicKeyOf(text);
    } catch {
      throw new CliError(`${file} does not hold a private key this CLI can read (PKCS#8 PEM)`);
    }
    assertEd25519(file, derived.publicKey);
    return { ...derived, privateKeyPem: text };
  }
  if (text.includes('-----BEGIN PUBLIC KEY-----')) {
    let spki: string;
    try {
      spki = createPublicKey({ key: text, format: 'pem' }).export({ type: 'spki', format: 'der' }).toString('base64');
    } catch {
      throw new CliError(`${file} does not hold a public key this CLI can read (SPKI PEM)`);
    }
    assertEd25519(file, spki);
    return { keyId: signingKeyId(spki), publicKey: spki, privateKeyPem: null };
  }
  if (text.includes('PRIVATE KEY-----')) throw new CliError(`${file} holds a private key in a format other than PKCS#8; make one with vigil keys generate`);
  throw new CliError(`${file} is not a key file: expected a PEM private key (.key) or public key (.pub) from vigil keys generate`);
}

function assertEd25519(file: string, spki: string): void {
  const type = createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyType;
  if (type !== 'ed25519') throw new CliError(`${file} holds an ${type} key; signing keys are ed25519 (vigil keys generate)`);
}

/** A private key to sign with: a .pub file here is a mistake worth naming. */
export function loadSigningKey(file: string, warn?: (message: string) => void): LoadedKey & { privateKeyPem: string } {
  const key = loadKeyFile(file, warn);
  if (key.privateKeyPem === null) throw new UsageError(`${file} holds only a public key; sign with the private key (the .key file)`);
  return { ...key, privateKeyPem: key.privateKeyPem };
}

/** The file name without folder and key suffix: the default name of a key in a trust document. */
export function keyFileStem(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.(key|pub|pem)$/i, '') || base;
}
