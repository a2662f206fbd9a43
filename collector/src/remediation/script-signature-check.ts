import { verifyDocument, type ScriptManifest, type Signature, type TrustDocument } from '@vigil/shared';

export type SignatureCheck =
  | { ok: true; signer: string | null }
  | { ok: false; code: 'unknown_signer' | 'invalid_signature'; reason: string };

/**
 * A courtesy at upload: a signed manifest must verify with the named key, found in the trust
 * document of the script's tenant (an MSP-wide script: in any tenant's current one), so a typo
 * or a stale key shows now rather than as rejected runs. The agent checks again against the keys
 * it pins, and its check is the one that counts: the collector is never trusted to vouch.
 */
export function checkScriptSignature(
  manifest: ScriptManifest,
  signature: Signature | null,
  tenantId: string | null,
  documents: readonly TrustDocument[],
): SignatureCheck {
  if (signature === null) return { ok: true, signer: null };
  const key = documents.flatMap((d) => d.keys).find((k) => k.keyId === signature.keyId);
  if (!key) {
    const why = tenantId === null
      ? 'is in no tenant\'s trust document'
      : documents.length === 0
        ? `cannot be trusted: tenant ${tenantId} has no trust document yet`
        : `is not in tenant ${tenantId}'s trust document (version ${documents[0]!.version})`;
    return { ok: false, code: 'unknown_signer', reason: `signature.keyId: ${signature.keyId} ${why}` };
  }
  if (!verifyDocument(manifest, signature, key.publicKey)) {
    return { ok: false, code: 'invalid_signature', reason: `signature: the signature by ${signature.keyId} does not match the manifest: it was changed after signing` };
  }
  return { ok: true, signer: key.keyId };
}
