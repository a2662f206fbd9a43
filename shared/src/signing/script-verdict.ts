import type { SignedScript } from './script-manifest.js';
import { checkParams } from './script-params.js';
import { documentDigest, verifyDocument } from './signing-keys.js';
import type { TrustDocument } from './trust.js';

/** What an agent knows when a dispatch arrives. */
export interface RunContext {
  agentId: string;
  tenantId: string;
  platform: 'linux' | 'windows' | 'darwin';
  /** Pinned keys; null: none pinned. */
  trust: TrustDocument | null;
  /** Development mode: unsigned scripts run (loopback collectors only). */
  allowUnsigned: boolean;
  now: number;
}

/** What the dispatch claims. */
export interface DispatchClaim {
  agentId: string;
  expiresAt: number;
  script: SignedScript;
  params: Readonly<Record<string, unknown>>;
}

export type ScriptVerdict =
  | { run: true; argv: string[]; env: Record<string, string>; signer: string | null; digest: string }
  | { run: false; reason: string };

/**
 * The agent's decision on a dispatch, in the order that gives the most useful reason: addressed
 * here, still valid, signed, by a key this agent pins, unaltered, for this tenant and OS, and
 * with parameter values the signer allowed. Pure, so every refusal is a unit test.
 */
export function judgeDispatch(claim: DispatchClaim, ctx: RunContext): ScriptVerdict {
  const { manifest, signature } = claim.script;
  if (claim.agentId !== ctx.agentId) return { run: false, reason: `dispatch is addressed to agent ${claim.agentId}, but this is agent ${ctx.agentId}` };
  if (claim.expiresAt <= ctx.now) return { run: false, reason: `dispatch expired at ${new Date(claim.expiresAt).toISOString()}` };
  let signer: string | null = null;
  if (signature === null) {
    if (!ctx.allowUnsigned) return { run: false, reason: 'script is not signed, and this agent runs only signed scripts' };
  } else {
    const key = ctx.trust?.keys.find((k) => k.keyId === signature.keyId);
    if (!key) return { run: false, reason: `script is signed by ${signature.keyId}, which this agent does not trust` };
    if (!verifyDocument(manifest, signature, key.publicKey)) return { run: false, reason: `signature by ${signature.keyId} does not match the script: it was altered after signing` };
    signer = key.keyId;
  }
  if (manifest.expiresAt !== null && manifest.expiresAt <= ctx.now) return { run: false, reason: `script signature expired at ${new Date(manifest.expiresAt).toISOString()}` };
  if (manifest.tenant !== null && manifest.tenant !== ctx.tenantId) return { run: false, reason: `script is signed for tenant ${manifest.tenant}, but this agent belongs to ${ctx.tenantId}` };
  if (!manifest.os.includes(ctx.platform)) return { run: false, reason: `script is for ${manifest.os.join(', ')}, not ${ctx.platform}` };
  const params = checkParams(manifest.params, claim.params);
  if (!params.ok) return { run: false, reason: params.error };
  return { run: true, argv: [...manifest.args, ...params.argv], env: params.env, signer, digest: documentDigest(manifest) };
}
