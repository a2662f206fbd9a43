import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signingKeyId, type TrustedKey } from '@vigil/shared';

export class TrustKeyFileError extends Error {}

/** The key's name in the pin: the file name without folder and key suffix ("alice.pub" → "alice"). */
export function keyNameOf(file: string): string {
  // Either separator: a key file named on a Windows endpoint reads the same anywhere.
  const base = file.split(/[\\/]/).pop() || file;
  return (base.replace(/\.(pub|pem)$/i, '') || base).slice(0, 200);
}

/**
 * Reads a script-signing public key as `vigil keys generate` writes it (<name>.pub: Ed25519, SPKI
 * PEM). A private key is refused: it has no business on an endpoint, and the message never quotes
 * the file.
 */
export function readTrustKeyFile(file: string): TrustedKey {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TrustKeyFileError(`cannot read --trust-key ${file}: ${(error as Error).message}`);
  }
  return parseTrustKey(text, file);
}

export function parseTrustKey(text: string, file: string): TrustedKey {
  if (text.includes('PRIVATE KEY-----')) {
    throw new TrustKeyFileError(`--trust-key ${file} holds a private key; give the public key (the .pub file) and keep the private key off endpoints`);
  }
  if (!text.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new TrustKeyFileError(`--trust-key ${file} is not a PEM public key (the .pub file vigil keys generate writes)`);
  }
  let key;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw new TrustKeyFileError(`--trust-key ${file} does not hold a readable public key (SPKI PEM)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TrustKeyFileError(`--trust-key ${file} holds an ${key.asymmetricKeyType} key; script-signing keys are ed25519`);
  }
  const publicKey = key.export({ type: 'spki', format: 'der' }).toString('base64');
  return { keyId: signingKeyId(publicKey), publicKey, name: keyNameOf(file) };
}
