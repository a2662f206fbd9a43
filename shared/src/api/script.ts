import { z } from 'zod';
import { SlugSchema } from './slug.js';

export const ShellSchema = z.enum(['bash', 'sh', 'powershell', 'pwsh', 'cmd', 'python']);
export type Shell = z.infer<typeof ShellSchema>;

export const ScriptOsSchema = z.enum(['linux', 'windows', 'darwin']);

/** Body of POST /api/v1/scripts. */
export const ScriptInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  shell: ShellSchema,
  body: z.string().min(1).max(256 * 1024),
  args: z.array(z.string().max(4096)).max(64).default([]),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment names are letters, digits and _'), z.string().max(4096)).default({}),
  timeoutSec: z.number().int().min(1).max(86_400).default(60),
  os: z.array(ScriptOsSchema).min(1).default(['linux', 'windows', 'darwin']),
  /** The tenant whose script this is; absent: the MSP-wide library every tenant may run. */
  tenant: SlugSchema.optional(),
});
export type ScriptInput = z.infer<typeof ScriptInputSchema>;

export const ScriptSchema = ScriptInputSchema.omit({ tenant: true }).extend({
  id: z.string(),
  /** Null: the MSP-wide library. */
  tenantId: z.string().nullable(),
  createdAt: z.number(),
});
export type Script = z.infer<typeof ScriptSchema>;
