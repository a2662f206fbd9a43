import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from '@vigil/shared';
import { signedTrust, testTenant, trustDocument } from '../testing/signed-scripts.js';
import { stateFiles } from './paths.js';
import { TrustStore, localTrustPin, readTrustFile, trustAtEnrollment, writeTrustFile } from './trust-store.js';

const dirs: string[] = [];
const stateDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-trust-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const NOW = 1_750_000_000_000;
const keyOf = (k: ReturnType<typeof generateSigningKeyPair>, name = 'admin') => ({ keyId: k.keyId, publicKey: k.publicKey, name });

describe('trust at enrollment', () => {
  const { key, trust } = testTenant('acme');

  it('pins the collector\'s document when it is self-signed and for the tenant joined', () => {
    expect(trustAtEnrollment('acme', null, trust, NOW)).toEqual({ pinned: { document: trust.document, signature: trust.signature, source: 'enrollment', pinnedAt: new Date(NOW).toISOString() } });
  });

  it('pins nothing without a document, and refuses one for another tenant or signed by an outsider', () => {
    expect(trustAtEnrollment('acme', null, null, NOW)).toEqual({ pinned: null });
    expect(trustAtEnrollment('globex', null, trust, NOW)).toMatchObject({ pinned: null, refused: expect.stringMatching(/for tenant acme, but this agent joined globex/) });
    const outsider = generateSigningKeyPair();
    const forged = signedTrust(trustDocument('acme', [key]), outsider);
    expect(trustAtEnrollment('acme', null, forged, NOW)).toMatchObject({ pinned: null, refused: expect.stringMatching(/not one of its own keys/) });
  });

  it('with --trust-key, takes the collector\'s document only if that key signed it', () => {
    const local = localTrustPin('acme', keyOf(key), NOW);
    expect(local.document.version).toBe(0);
    expect(trustAtEnrollment('acme', local, trust, NOW).pinned).toMatchObject({ source: 'enrollment', document: { version: 1 } });

    const other = testTenant('acme');
    const otherLocal = localTrustPin('acme', keyOf(other.key), NOW);
    const refused = trustAtEnrollment('acme', otherLocal, trust, NOW);
    expect(refused.pinned).toBe(otherLocal);
    expect(refused.refused).toMatch(new RegExp(`signed by ${key.keyId}, which is not trusted in version 0`));
  });
});

describe('TrustStore', () => {
  const { key, trust } = testTenant('acme');

  it('reads the pin written at enrollment, stored 0600', () => {
    const dir = stateDir();
    writeTrustFile(dir, trustAtEnrollment('acme', null, trust, NOW).pinned!);
    if (process.platform !== 'win32') expect(statSync(stateFiles.trust(dir)).mode & 0o777).toBe(0o600);
    const store = new TrustStore(dir);
    expect(store.version).toBe(1);
    expect(store.current).toEqual(trust.document);
  });

  it('pins a newer version signed by a pinned key, on disk too', () => {
    const dir = stateDir();
    writeTrustFile(dir, trustAtEnrollment('acme', null, trust, NOW).pinned!);
    const store = new TrustStore(dir);
    const added = generateSigningKeyPair();
    const v2 = signedTrust(trustDocument('acme', [key, added], 2), key);
    expect(store.offer(v2, NOW)).toEqual({ ok: true });
    expect(store.version).toBe(2);
    expect(readTrustFile(dir)).toMatchObject({ source: 'collector', document: { version: 2 } });
    // And v3 signed by the key v2 added, even with the first one gone.
    const v3 = signedTrust(trustDocument('acme', [added], 3), added);
    expect(store.offer(v3, NOW)).toEqual({ ok: true });
    expect(new TrustStore(dir).current?.keys.map((k) => k.keyId)).toEqual([added.keyId]);
  });

  it('keeps its pin when offered a document no pinned key signed, an older one, or one for another tenant', () => {
    const dir = stateDir();
    writeTrustFile(dir, trustAtEnrollment('acme', null, trust, NOW).pinned!);
    const store = new TrustStore(dir);
    const intruder = generateSigningKeyPair();
    const cases = [
      [signedTrust(trustDocument('acme', [intruder], 2), intruder), /signed by .*which is not trusted in version 1/],
      [signedTrust(trustDocument('acme', [key], 1, ['renamed']), key), /version 1 is not newer than 1/],
      [signedTrust(trustDocument('globex', [key], 2), key), /for tenant globex, not acme/],
    ] as const;
    for (const [offer, reason] of cases) {
      expect(store.offer(offer, NOW)).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
    }
    expect(store.current).toEqual(trust.document);
    expect(readTrustFile(dir)?.document).toEqual(trust.document);
  });

  it('replaces a local pin with the tenant\'s document when the pinned key signed it', () => {
    const dir = stateDir();
    writeTrustFile(dir, localTrustPin('acme', keyOf(key), NOW));
    const store = new TrustStore(dir);
    expect(store.version).toBe(0);
    expect(store.offer(trust, NOW)).toEqual({ ok: true });
    expect(readTrustFile(dir)).toMatchObject({ source: 'collector', document: { version: 1 } });
  });

  it('treats the same document again as no news', () => {
    const dir = stateDir();
    writeTrustFile(dir, trustAtEnrollment('acme', null, trust, NOW).pinned!);
    expect(new TrustStore(dir).offer(trust, NOW)).toEqual({ ok: 'unchanged' });
  });

  it('never takes a first pin from the collector', () => {
    const store = new TrustStore(stateDir());
    expect(store.version).toBe(0);
    expect(store.offer(trust, NOW)).toMatchObject({ ok: false, reason: expect.stringMatching(/pins no trust document/) });
    expect(store.current).toBeNull();
  });

  it('reports an unreadable trust.json and pins nothing', () => {
    const dir = stateDir();
    writeFileSync(stateFiles.trust(dir), '{"document":');
    const store = new TrustStore(dir);
    expect(store.current).toBeNull();
    expect(store.problem).toMatch(/trust\.json is not JSON/);
  });
});
