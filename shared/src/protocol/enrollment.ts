import { z } from 'zod';
import { SignedTrustSchema } from '../signing/trust.js';
import { OsPlatformSchema } from './os-platform.js';

export { OsPlatformSchema, type OsPlatform } from './os-platform.js';

/** Body of POST /api/v1/agents/enroll: the one call an agent makes with its enrollment token. */
export const EnrollRequestSchema = z.object({
  token: z.string().min(16).max(256),
  /** The agent's Ed25519 public key, SPKI DER in base64. The private key never leaves the endpoint. */
  publicKey: z.string().min(40).max(256),
  hostname: z.string().min(1).max(255),
  os: z.object({
    platform: OsPlatformSchema,
    distro: z.string().max(128).default(''),
    release: z.string().max(128).default(''),
    arch: z.string().max(32).default(''),
  }),
  agentVersion: z.string().max(64),
});
export type EnrollRequest = z.infer<typeof EnrollRequestSchema>;

export const EnrollResponseSchema = z.object({
  agentId: z.string(),
  tenantId: z.string(),
  siteId: z.string(),
  tags: z.array(z.string()),
  /** The tenant's script-signing keys, pinned at enrollment; null when the tenant has none yet. */
  trust: SignedTrustSchema.nullable().default(null),
});
export type EnrollResponse = z.infer<typeof EnrollResponseSchema>;
