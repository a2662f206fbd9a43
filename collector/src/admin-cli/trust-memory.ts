import { checkTrustUpdate, documentDigest, SignedTrustSchema, type SignedTrust } from '@vigil/shared';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from './private-file.js';

/**
 * The last trust document of each tenant this CLI published or accepted, per collector. A change
 * is built on the collector's copy only if it is that document or a successor signed by one of
 * its keys: a compromised collector handing out a forged document (with a key of its own in it)
 * cannot get an administrator to sign a new version on top of it.
 */
export function trustMemoryPath(configDir: string, server: string, tenant: string): string {
  return join(configDir, 'trust', encodeURIComponent(new URL(server).host), `${tenant}.json`);
}

export function recallTrust(file: string): SignedTrust | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const parsed = SignedTrustSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

export function rememberTrust(file: string, trust: SignedTrust): void {
  writePrivateFile(file, `${JSON.stringify({ document: trust.document, signature: trust.signature }, null, 2)}\n`);
}

export type TrustRecall = { ok: true; firstSight: boolean } | { ok: false; reason: string };

/** Whether the collector's `fetched` document follows from the one remembered (pure). */
export function checkAgainstRemembered(remembered: SignedTrust | null, fetched: SignedTrust): TrustRecall {
  if (!remembered) return { ok: true, firstSight: true };
  const tenant = fetched.document.tenant;
  const had = remembered.document.version;
  if (fetched.document.version < had) {
    return { ok: false, reason: `the collector's trust document for ${tenant} is version ${fetched.document.version}, older than version ${had} this CLI saw: refusing to build on it` };
  }
  if (fetched.document.version === had) {
    const same = documentDigest(fetched.document) === documentDigest(remembered.document) && fetched.signature.value === remembered.signature.value;
    return same ? { ok: true, firstSight: false } : { ok: false, reason: `the collector's trust document for ${tenant} version ${had} differs from the one this CLI saw: refusing to build on it` };
  }
  const follows = checkTrustUpdate(remembered.document, fetched);
  return follows.ok
    ? { ok: true, firstSight: false }
    : { ok: false, reason: `the collector's trust document for ${tenant} (version ${fetched.document.version}) does not follow from version ${had} this CLI saw: ${follows.reason}` };
}
