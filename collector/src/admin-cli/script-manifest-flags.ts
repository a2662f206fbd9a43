import {
  describeZodError, ScriptManifestSchema, signDocument, SignedScriptInputSchema, UnsignedScriptInputSchema,
  type ScriptManifest, type ScriptParam, type Shell,
} from '@vigil/shared';
import type { z } from 'zod';
import { UsageError } from './cli-error.js';
import type { TrustSigner } from './trust-document.js';

/**
 * From the flags of `vigil scripts add|update` to what is sent: a signed manifest, or (without
 * --sign) the older unsigned shape. Pure, with the clock passed in, so what gets signed is a unit
 * test.
 */

type ScriptOs = ScriptManifest['os'][number];

/** The script's flags as commander parses them; all optional on update, where the latest version fills the gaps. */
export interface ManifestFlags {
  /** Add only: a new version keeps the script's name. */
  name?: string;
  shell?: Shell;
  /** Seconds. */
  timeout?: number;
  os?: ScriptOs[];
  /** Add only: the tenant the script is for; the manifest then says so and only its agents run it. */
  tenant?: string;
  arg?: string[];
  env?: Record<string, string>;
  param?: ScriptParam[];
  runAs?: string;
  /** How long the signature holds, in ms, or 'never'. */
  expires?: number | 'never';
}

export type SignedScriptRequest = z.input<typeof SignedScriptInputSchema>;
export type UnsignedScriptRequest = z.input<typeof UnsignedScriptInputSchema>;

/** Flags that only a manifest can carry: the older unsigned shape has no place for them. */
export function manifestOnlyFlags(flags: ManifestFlags): string[] {
  return [flags.param ? '--param' : '', flags.runAs !== undefined ? '--run-as' : '', flags.expires !== undefined ? '--expires' : ''].filter(Boolean);
}

function expiresAt(flags: ManifestFlags, base: ScriptManifest | undefined, now: number): number | null {
  if (flags.expires === 'never') return null;
  if (flags.expires !== undefined) return now + flags.expires;
  const kept = base?.expiresAt ?? null;
  if (kept !== null && kept <= now) {
    throw new UsageError(`version ${base!.version}'s signature expired at ${new Date(kept).toISOString()}: give --expires (a duration, or never)`);
  }
  return kept;
}

/**
 * The manifest to sign: version 1 from the flags, or (with `base`, the latest version) the next
 * version with what the flags change and everything else kept. The result is the schema's parse,
 * defaults filled in, which is exactly what the collector and agents will canonicalize: a
 * default filled in later would change the signed bytes.
 */
export function manifestFromFlags(body: string | undefined, flags: ManifestFlags, now: number, base?: ScriptManifest): ScriptManifest {
  const name = flags.name ?? base?.name;
  const shell = flags.shell ?? base?.shell;
  const scriptBody = body ?? base?.body;
  if (name === undefined || shell === undefined || scriptBody === undefined) throw new UsageError('a new script needs a body file, --name and --shell');
  const candidate = {
    kind: 'vigil.script',
    name,
    version: base ? base.version + 1 : 1,
    shell,
    body: scriptBody,
    args: flags.arg ?? base?.args ?? [],
    params: flags.param ?? base?.params ?? [],
    env: flags.env ?? base?.env ?? {},
    timeoutSec: flags.timeout ?? base?.timeoutSec ?? 60,
    os: flags.os ?? base?.os ?? ['linux', 'windows', 'darwin'],
    runAs: flags.runAs !== undefined ? flags.runAs : (base?.runAs ?? null),
    tenant: base ? base.tenant : (flags.tenant ?? null),
    expiresAt: expiresAt(flags, base, now),
  };
  const parsed = ScriptManifestSchema.safeParse(candidate);
  if (!parsed.success) throw new UsageError(describeZodError(parsed.error));
  return parsed.data;
}

/** Body of POST /api/v1/scripts or …/:id/versions: the manifest, signed (or null: development mode only). */
export function signedScriptRequest(manifest: ScriptManifest, signer: TrustSigner | null, options: { tenant?: string | null; requiresApproval?: boolean }): SignedScriptRequest {
  return {
    manifest,
    signature: signer === null ? null : signDocument(manifest, signer.privateKeyPem),
    ...(options.tenant ? { tenant: options.tenant } : {}),
    // Left out, a new version keeps the script's setting.
    ...(options.requiresApproval !== undefined ? { requiresApproval: options.requiresApproval } : {}),
  };
}

/** The older unsigned body (no params, no expiry), checked against the API's schema before sending. */
export function unsignedScriptRequest(body: string, flags: ManifestFlags, requiresApproval: boolean): UnsignedScriptRequest {
  if (flags.name === undefined || flags.shell === undefined) throw new UsageError('a new script needs --name and --shell');
  const request: UnsignedScriptRequest = {
    name: flags.name,
    shell: flags.shell,
    body,
    ...(flags.arg ? { args: flags.arg } : {}),
    ...(flags.env ? { env: flags.env } : {}),
    ...(flags.timeout !== undefined ? { timeoutSec: flags.timeout } : {}),
    ...(flags.os ? { os: flags.os } : {}),
    ...(flags.tenant !== undefined ? { tenant: flags.tenant } : {}),
    ...(requiresApproval ? { requiresApproval } : {}),
  };
  const checked = UnsignedScriptInputSchema.safeParse(request);
  if (!checked.success) throw new UsageError(describeZodError(checked.error));
  return request;
}
