import { z } from 'zod';
import { SlugSchema } from '../api/slug.js';
import { SignatureSchema, signingKeyId, verifyDocument } from './signing-keys.js';

export const TrustedKeySchema = z.object({
  keyId: z.string(),
  /** SPKI DER, base64. */
  publicKey: z.string().min(40).max(256),
  /** Whose key: "Jane Doe (laptop)". */
  name: z.string().trim().min(1).max(200),
}).strict().refine((k) => k.keyId === signingKeyId(k.publicKey), { message: 'keyId does not belong to publicKey', path: ['keyId'] });
export type TrustedKey = z.infer<typeof TrustedKeySchema>;

/**
 * The keys a tenant's agents accept script signatures from. Version 1 is signed by one of its own
 * keys; every later version must be signed by a key of the version before it, which is what an
 * agent checks before it pins it: a collector cannot slip in a key no administrator vouched for.
 */
export const TrustDocumentSchema = z.object({
  kind: z.literal('vigil.trust'),
  tenant: SlugSchema,
  version: z.number().int().min(1),
  keys: z.array(TrustedKeySchema).min(1).max(16),
  issuedAt: z.number().int().positive(),
}).strict();
export type TrustDocument = z.infer<typeof TrustDocumentSchema>;

export const SignedTrustSchema = z.object({ document: TrustDocumentSchema, signature: SignatureSchema }).strict();
export type SignedTrust = z.infer<typeof SignedTrustSchema>;

export type TrustCheck = { ok: true } | { ok: false; reason: string };

/**
 * Whether `next` may replace `current` (null: nothing pinned yet, which only enrollment or an
 * administrator at the endpoint may fill).
 */
export function checkTrustUpdate(current: TrustDocument | null, next: SignedTrust): TrustCheck {
  const { document, signature } = next;
  if (current) {
    if (document.tenant !== current.tenant) return { ok: false, reason: `trust document is for tenant ${document.tenant}, not ${current.tenant}` };
    if (document.version <= current.version) return { ok: false, reason: `trust document version ${document.version} is not newer than ${current.version}` };
  }
  const signers = current ? current.keys : document.keys;
  const signer = signers.find((k) => k.keyId === signature.keyId);
  if (!signer) {
    return { ok: false, reason: `trust document is signed by ${signature.keyId}, which is not ${current ? `trusted in version ${current.version}` : 'one of its own keys'}` };
  }
  if (!verifyDocument(document, signature, signer.publicKey)) return { ok: false, reason: 'trust document signature does not verify' };
  return { ok: true };
}
