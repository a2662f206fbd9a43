import { z } from 'zod';

/** An Ed25519 signature and the id of the key that made it (see signing-keys.ts, which needs Node). */
export const SignatureSchema = z.object({
  keyId: z.string().regex(/^key_[A-Za-z0-9_-]{16}$/, 'a key id is key_ and 16 characters'),
  alg: z.literal('ed25519'),
  /** base64 */
  value: z.string().min(80).max(100),
}).strict();
export type Signature = z.infer<typeof SignatureSchema>;
