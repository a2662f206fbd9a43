import { z } from 'zod';
import { ScriptManifestSchema, SignedScriptSchema } from '../signing/script-manifest.js';
import { SignatureSchema } from '../signing/signature.js';
import { SignedTrustSchema } from '../signing/trust.js';
import { ScriptOsSchema, ShellSchema } from './script.js';
import { SlugSchema } from './slug.js';

/**
 * An unsigned script written straight into the API (the shape before signing existed). It is
 * stored as an unsigned manifest, version 1, which agents run only in development mode.
 */
export const UnsignedScriptInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  shell: ShellSchema,
  body: z.string().min(1).max(256 * 1024),
  args: z.array(z.string().max(4096)).max(64).default([]),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment names are letters, digits and _'), z.string().max(4096)).default({}),
  timeoutSec: z.number().int().min(1).max(86_400).default(60),
  os: z.array(ScriptOsSchema).min(1).default(['linux', 'windows', 'darwin']),
  tenant: SlugSchema.optional(),
  requiresApproval: z.boolean().default(false),
}).strict();

/**
 * Body of POST /api/v1/scripts (a new script, version 1) and POST /api/v1/scripts/:id/versions
 * (a new version, higher than the last): a manifest with its signature, as `vigil scripts add
 * --sign` makes it. The collector checks the signature against the tenant's trusted keys as a
 * courtesy; the agent checks it again, and its check is the one that counts.
 */
export const SignedScriptInputSchema = SignedScriptSchema.extend({
  /** The tenant whose script this is; absent: the MSP-wide library. Must equal manifest.tenant when that is set. */
  tenant: SlugSchema.optional(),
  /** Change control: every job of it waits for an approver other than who asked for it. */
  requiresApproval: z.boolean().default(false),
}).strict();

export const ScriptInputSchema = z.union([SignedScriptInputSchema, UnsignedScriptInputSchema]);
export type ScriptInput = z.infer<typeof ScriptInputSchema>;

/** One version of a script in the library. */
export const ScriptSchema = z.object({
  /** The script's id, the same for every version. */
  id: z.string(),
  version: z.number().int(),
  name: z.string(),
  /** Null: the MSP-wide library. */
  tenantId: z.string().nullable(),
  manifest: ScriptManifestSchema,
  signature: SignatureSchema.nullable(),
  /** SHA-256 of the manifest's canonical JSON. */
  digest: z.string(),
  requiresApproval: z.boolean(),
  createdBy: z.string(),
  createdAt: z.number(),
  // The fields of the manifest most lists show, flattened for convenience.
  shell: ShellSchema,
  timeoutSec: z.number(),
  os: z.array(ScriptOsSchema),
});
export type Script = z.infer<typeof ScriptSchema>;

/** One version of a script, as the script's history lists it. */
export const ScriptVersionSummarySchema = z.object({
  version: z.number().int(),
  digest: z.string(),
  /** The key that signed it; null: unsigned. */
  signer: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.number(),
});
export type ScriptVersionSummary = z.infer<typeof ScriptVersionSummarySchema>;

/** GET /api/v1/scripts/:id: the latest version, and every version's summary (oldest first). */
export const ScriptDetailSchema = ScriptSchema.extend({ versions: z.array(ScriptVersionSummarySchema) });
export type ScriptDetail = z.infer<typeof ScriptDetailSchema>;

/** GET /api/v1/tenants/:id/trust: the tenant's current trust document as signed, and who uploaded it when. */
export const StoredTrustSchema = SignedTrustSchema.extend({ createdBy: z.string(), createdAt: z.number() });
export type StoredTrust = z.infer<typeof StoredTrustSchema>;
