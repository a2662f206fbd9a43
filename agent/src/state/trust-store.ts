import { readFileSync, rmSync } from 'node:fs';
import {
  AgentTrustFileSchema,
  checkTrustUpdate,
  describeZodError,
  documentDigest,
  type AgentTrustFile,
  type SignedTrust,
  type TrustCheck,
  type TrustDocument,
  type TrustedKey,
} from '@vigil/shared';
import { writeFileAtomicSync } from './atomic-write.js';
import { stateFiles } from './paths.js';

/**
 * The script-signing keys this agent pins, in trust.json (0600, replaced atomically). Scripts run
 * only if signed by one of them; the collector can propose a newer document, but it is pinned only
 * when a key already pinned signed it, so a compromised collector cannot add a key of its own.
 */

export class TrustFileError extends Error {}

export function readTrustFile(stateDir: string): AgentTrustFile | null {
  const file = stateFiles.trust(stateDir);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new TrustFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new TrustFileError(`${file} is not JSON`);
  }
  const parsed = AgentTrustFileSchema.safeParse(json);
  if (!parsed.success) throw new TrustFileError(`${file} is invalid: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

export function writeTrustFile(stateDir: string, trust: AgentTrustFile): void {
  writeFileAtomicSync(stateFiles.trust(stateDir), `${JSON.stringify(trust, null, 2)}\n`, 0o600, { fsync: true });
}

export function removeTrustFile(stateDir: string): void {
  rmSync(stateFiles.trust(stateDir), { force: true });
}

/** A key an administrator pinned by hand: a local, unsigned document version 0 of the agent's tenant. */
export function localTrustPin(tenant: string, key: TrustedKey, now: number): AgentTrustFile {
  return {
    document: { kind: 'vigil.trust', tenant, version: 0, keys: [key], issuedAt: now },
    signature: null,
    source: 'local',
    pinnedAt: new Date(now).toISOString(),
  };
}

export type EnrollmentTrust =
  | { pinned: AgentTrustFile | null; refused?: undefined }
  | { pinned: AgentTrustFile | null; refused: string };

/**
 * What to pin at enrollment. With a local pin, the collector's document is taken only if that key
 * (by checkTrustUpdate) vouches for it; without one, the collector's document is taken as the first
 * pin if it is signed by one of its own keys and is for the tenant the agent joined.
 */
export function trustAtEnrollment(tenant: string, local: AgentTrustFile | null, offered: SignedTrust | null, now: number): EnrollmentTrust {
  if (!offered) return { pinned: local };
  if (offered.document.tenant !== tenant) {
    return { pinned: local, refused: `the collector's trust document is for tenant ${offered.document.tenant}, but this agent joined ${tenant}` };
  }
  const check = checkTrustUpdate(local?.document ?? null, offered);
  if (!check.ok) return { pinned: local, refused: check.reason };
  return { pinned: { document: offered.document, signature: offered.signature, source: 'enrollment', pinnedAt: new Date(now).toISOString() } };
}

/** The pin of a running agent: read once at start, replaced by trust.update messages that pass. */
export class TrustStore {
  private pinned: AgentTrustFile | null;
  /** Why trust.json could not be read at start (the agent then pins nothing and runs nothing signed). */
  readonly problem: string | undefined;

  constructor(private readonly stateDir: string) {
    try {
      this.pinned = readTrustFile(stateDir);
    } catch (error) {
      this.pinned = null;
      this.problem = (error as Error).message;
    }
  }

  get current(): TrustDocument | null {
    return this.pinned?.document ?? null;
  }

  /** What the hello announces: 0 when nothing, or only a local key, is pinned. */
  get version(): number {
    return this.pinned?.document.version ?? 0;
  }

  get file(): AgentTrustFile | null {
    return this.pinned;
  }

  /**
   * Pins `next` if the current pin vouches for it; otherwise keeps the current one. The very first
   * pin is enrollment's (or an administrator's at the endpoint), never the collector's alone.
   * 'unchanged': the same document again, which is no news and no refusal.
   */
  offer(next: SignedTrust, now: number): TrustCheck | { ok: 'unchanged' } {
    const current = this.pinned?.document ?? null;
    if (current === null) {
      return { ok: false, reason: 'this agent pins no trust document, and only enrollment (vigil-agent enroll, or --trust-key there) may pin the first one' };
    }
    if (current.version === next.document.version && documentDigest(current) === documentDigest(next.document)) return { ok: 'unchanged' };
    const check = checkTrustUpdate(current, next);
    if (!check.ok) return check;
    const pinned: AgentTrustFile = { document: next.document, signature: next.signature, source: 'collector', pinnedAt: new Date(now).toISOString() };
    // On disk first: a pin that is not persisted would be forgotten by the next restart.
    writeTrustFile(this.stateDir, pinned);
    this.pinned = pinned;
    return check;
  }
}
