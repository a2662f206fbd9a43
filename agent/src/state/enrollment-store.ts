import { readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AgentEnrollmentFileSchema, describeZodError, type AgentEnrollmentFile, type AgentTrustFile } from '@vigil/shared';
import { ensureStateDir, writeFileAtomicSync } from './atomic-write.js';
import { stateFiles } from './paths.js';
import { removeTrustFile, writeTrustFile } from './trust-store.js';

export interface AgentIdentity {
  enrollment: AgentEnrollmentFile;
  privateKeyPem: string;
}

/** Where enroll keeps the collector's CA (--ca), named relative to the state dir in agent.json. */
export const CA_FILE_NAME = 'ca.pem';

export class NotEnrolledError extends Error {
  constructor(readonly stateDir: string) {
    super(`this endpoint is not enrolled (no ${stateFiles.enrollment(stateDir)}); run \`vigil-agent enroll --server URL --token TOKEN\` first`);
  }
}

export function isEnrolled(stateDir: string): boolean {
  return existsSync(stateFiles.enrollment(stateDir));
}

export function readEnrollment(stateDir: string): AgentEnrollmentFile {
  const file = stateFiles.enrollment(stateDir);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotEnrolledError(stateDir);
    throw error;
  }
  const parsed = AgentEnrollmentFileSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`${file} is invalid: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

export function readIdentity(stateDir: string): AgentIdentity {
  const enrollment = readEnrollment(stateDir);
  const keyFile = stateFiles.privateKey(stateDir);
  let privateKeyPem: string;
  try {
    privateKeyPem = readFileSync(keyFile, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the agent key ${keyFile}: ${(error as Error).message}`);
  }
  return { enrollment, privateKeyPem };
}

/**
 * The key (and the CA and trust pin, if any) is written before agent.json: agent.json is the
 * "enrolled" marker, so a crash in between leaves an endpoint that is plainly not enrolled rather
 * than one without its key. `caPem` is stored as CA_FILE_NAME, which agent.json must then name;
 * without it, a CA left by an earlier enrollment is removed. Likewise the trust pin: re-enrolling
 * replaces it, or removes it when the new enrollment pins nothing.
 */
export function writeIdentity(stateDir: string, identity: AgentIdentity & { caPem?: string; trust?: AgentTrustFile | null }): void {
  ensureStateDir(stateDir);
  writeFileAtomicSync(stateFiles.privateKey(stateDir), identity.privateKeyPem, 0o600);
  const caFile = join(stateDir, CA_FILE_NAME);
  if (identity.caPem !== undefined) writeFileAtomicSync(caFile, identity.caPem, 0o600);
  else rmSync(caFile, { force: true });
  if (identity.trust) writeTrustFile(stateDir, identity.trust);
  else removeTrustFile(stateDir);
  writeFileAtomicSync(stateFiles.enrollment(stateDir), `${JSON.stringify(identity.enrollment, null, 2)}\n`, 0o600);
  // A new identity starts a new seq series, an empty spool (frames spooled under the old identity
  // must not go out under the new one), a fresh runtime status and a fresh run ledger (its run ids
  // were another identity's).
  rmSync(stateFiles.seq(stateDir), { force: true });
  rmSync(stateFiles.runLedger(stateDir), { force: true });
  rmSync(stateFiles.spool(stateDir), { recursive: true, force: true });
  rmSync(stateFiles.status(stateDir), { force: true });
}
