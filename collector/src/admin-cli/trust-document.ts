import { describeZodError, signDocument, TrustDocumentSchema, verifyDocument, type SignedTrust, type TrustDocument, type TrustedKey } from '@vigil/shared';
import { CliError, UsageError } from './cli-error.js';

/**
 * Building a tenant's next trust document. Pure (the clock comes in as `now`), so what an
 * administrator is about to sign is a unit test. Each change is a new version signed by a key of
 * the current one: that chain is what agents check before they pin it.
 */

/** The signer of a change: a private key and the id of its public half. */
export interface TrustSigner {
  keyId: string;
  privateKeyPem: string;
}

function checked(document: TrustDocument): TrustDocument {
  const parsed = TrustDocumentSchema.safeParse(document);
  if (!parsed.success) throw new UsageError(describeZodError(parsed.error));
  return parsed.data;
}

function describeKeys(keys: readonly TrustedKey[]): string {
  return keys.map((k) => `${k.keyId} (${k.name})`).join(', ');
}

/** Version 1: one key, which signs the document itself. */
export function initialTrust(tenant: string, key: TrustedKey, signer: TrustSigner, now: number): SignedTrust {
  if (signer.keyId !== key.keyId) throw new UsageError('the first trust document is signed by the key it trusts');
  const document = checked({ kind: 'vigil.trust', tenant, version: 1, keys: [key], issuedAt: now });
  return { document, signature: signDocument(document, signer.privateKeyPem) };
}

/** Refuses to build on a document whose signature does not hold against its own keys: it was damaged or forged on the way. */
export function assertIntact(current: SignedTrust): void {
  const signer = current.document.keys.find((k) => k.keyId === current.signature.keyId);
  // A later version is signed by a key of the one before, which may since have been removed: only check what can be checked.
  if (signer && !verifyDocument(current.document, current.signature, signer.publicKey)) {
    throw new CliError(`the collector's trust document for ${current.document.tenant} (version ${current.document.version}) does not match its signature: refusing to sign a change to it`);
  }
}

function nextVersion(current: TrustDocument, keys: TrustedKey[], signer: TrustSigner, now: number): SignedTrust {
  // Only a key of the current version can vouch for the next one; agents would refuse anything else.
  if (!current.keys.some((k) => k.keyId === signer.keyId)) {
    throw new UsageError(`${signer.keyId} is not trusted in version ${current.version} for ${current.tenant}; sign with one of: ${describeKeys(current.keys)}`);
  }
  // issuedAt never goes back, even when this machine's clock is behind the last signer's.
  const document = checked({ ...current, version: current.version + 1, keys, issuedAt: Math.max(now, current.issuedAt + 1) });
  return { document, signature: signDocument(document, signer.privateKeyPem) };
}

/** The next version with one more key. */
export function trustWithKey(current: TrustDocument, key: TrustedKey, signer: TrustSigner, now: number): SignedTrust {
  const existing = current.keys.find((k) => k.keyId === key.keyId);
  if (existing) throw new UsageError(`${key.keyId} is already trusted for ${current.tenant} as "${existing.name}"`);
  return nextVersion(current, [...current.keys, key], signer, now);
}

/** The next version without a key; the last one cannot go, or nothing could sign again. */
export function trustWithoutKey(current: TrustDocument, keyId: string, signer: TrustSigner, now: number): SignedTrust {
  if (!current.keys.some((k) => k.keyId === keyId)) throw new UsageError(`${keyId} is not trusted for ${current.tenant}; trusted: ${describeKeys(current.keys)}`);
  const keys = current.keys.filter((k) => k.keyId !== keyId);
  if (keys.length === 0) throw new UsageError(`${keyId} is the only trusted key for ${current.tenant}: add its replacement first (vigil trust add), then remove it`);
  return nextVersion(current, keys, signer, now);
}
