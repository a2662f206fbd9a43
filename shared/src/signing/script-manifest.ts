import { z } from 'zod';
import { ScriptOsSchema, ShellSchema } from '../api/script.js';
import { SlugSchema } from '../api/slug.js';
import { SignatureSchema } from './signature.js';

const ParamName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'parameter names are a letter, then letters, digits and _');
const ParamValue = z.union([z.string().max(4096), z.number().refine(Number.isFinite, 'a finite number'), z.boolean()]);
export type ParamValue = z.infer<typeof ParamValue>;

/**
 * A parameter a script declares, and so signs: the agent checks every per-run value against it,
 * so the collector can choose values but never smuggle in anything the signer did not allow.
 */
export const ScriptParamSchema = z.object({
  name: ParamName,
  type: z.enum(['string', 'integer', 'number', 'boolean', 'enum']),
  required: z.boolean().default(false),
  default: ParamValue.optional(),
  /** enum: the values allowed. */
  values: z.array(z.string().max(256)).min(1).max(64).optional(),
  /** string: a regular expression the whole value must match (anchored by the agent). */
  pattern: z.string().max(256).optional(),
  /** string: longest value (default 1024). */
  maxLength: z.number().int().min(1).max(4096).optional(),
  /** integer, number: bounds, inclusive. */
  min: z.number().optional(),
  max: z.number().optional(),
  description: z.string().max(500).optional(),
}).strict()
  .refine((p) => p.type !== 'enum' || (p.values !== undefined && p.values.length > 0), { message: 'an enum parameter lists its values', path: ['values'] });
export type ScriptParam = z.infer<typeof ScriptParamSchema>;

/**
 * What an administrator signs: everything that decides what runs on the endpoint. Per-run values
 * go through `params`; `args` are fixed arguments, signed like the body.
 */
export const ScriptManifestSchema = z.object({
  kind: z.literal('vigil.script'),
  name: z.string().trim().min(1).max(200),
  /** An edit is a new version, signed again; the collector keeps every one. */
  version: z.number().int().min(1).max(1_000_000),
  shell: ShellSchema,
  body: z.string().min(1).max(256 * 1024),
  args: z.array(z.string().max(4096)).max(64).default([]),
  params: z.array(ScriptParamSchema).max(32).default([]),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment names are letters, digits and _'), z.string().max(4096)).default({}),
  timeoutSec: z.number().int().min(1).max(86_400).default(60),
  os: z.array(ScriptOsSchema).min(1).default(['linux', 'windows', 'darwin']),
  /** Run as this local user instead of the agent's service account (POSIX agents running as root). */
  runAs: z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}$/i, 'a local user name').nullable().default(null),
  /** Set: only agents of this tenant run it. Null: any tenant whose agents trust the signer. */
  tenant: SlugSchema.nullable().default(null),
  /** The signature stops being accepted after this instant (Unix ms); null: no expiry. */
  expiresAt: z.number().int().positive().nullable().default(null),
}).strict()
  .refine((m) => new Set(m.params.map((p) => p.name)).size === m.params.length, { message: 'parameter names must be unique', path: ['params'] });
export type ScriptManifest = z.infer<typeof ScriptManifestSchema>;

/** A manifest with its signature; null signature: unsigned, which agents run only in development mode. */
export const SignedScriptSchema = z.object({
  manifest: ScriptManifestSchema,
  signature: SignatureSchema.nullable(),
}).strict();
export type SignedScript = z.infer<typeof SignedScriptSchema>;

export { ParamValue as ParamValueSchema };
