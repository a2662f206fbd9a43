import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import type { Signature } from './signature.js';

/**
 * Administrators' signing keys: Ed25519. The private key stays on the administrator's machine
 * (PEM, 0600); the collector and agents only ever see public keys and signatures.
 */
export interface SigningKeyPair {
  keyId: string;
  /** SPKI DER, base64. */
  publicKey: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
}

export { SignatureSchema, type Signature } from './signature.js';

/** A key id names a public key for good: the first 96 bits of its SHA-256, base64url. */
export function signingKeyId(publicKeySpkiBase64: string): string {
  return `key_${createHash('sha256').update(Buffer.from(publicKeySpkiBase64, 'base64')).digest('base64url').slice(0, 16)}`;
}

export function generateSigningKeyPair(): SigningKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { keyId: signingKeyId(spki), publicKey: spki, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** The public key (SPKI DER base64) of a private key PEM, and its id. */
export function publicKeyOf(privateKeyPem: string): { keyId: string; publicKey: string } {
  const spki = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' }).toString('base64');
  return { keyId: signingKeyId(spki), publicKey: spki };
}

/** What can be signed: a JSON document that says what kind of document it is. */
export type SignableDocument = { readonly kind: string; readonly [field: string]: unknown };

/** Domain-separated: a signature over one kind of document can never pass for another's. */
function payload(document: SignableDocument): Buffer {
  return Buffer.from(`vigil-signature:v1:${document.kind}:${canonicalJson(document)}`, 'utf8');
}

export function signDocument(document: SignableDocument, privateKeyPem: string): Signature {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`signing keys are ed25519, this one is ${key.asymmetricKeyType}`);
  const { keyId } = publicKeyOf(privateKeyPem);
  return { keyId, alg: 'ed25519', value: sign(null, payload(document), key).toString('base64') };
}

/** True only for a valid Ed25519 signature by exactly this public key over exactly this document. */
export function verifyDocument(document: SignableDocument, signature: Signature, publicKeySpkiBase64: string): boolean {
  try {
    if (signature.keyId !== signingKeyId(publicKeySpkiBase64)) return false;
    const key = createPublicKey({ key: Buffer.from(publicKeySpkiBase64, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, payload(document), key, Buffer.from(signature.value, 'base64'));
  } catch {
    return false;
  }
}

/** SHA-256 of a document's canonical JSON, hex: how jobs and runs name the exact script version they ran. */
export function documentDigest(document: unknown): string {
  return createHash('sha256').update(canonicalJson(document), 'utf8').digest('hex');
}
