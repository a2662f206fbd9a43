import { generateSigningKeyPair, signDocument, type SignedTrust, type SigningKeyPair, type TrustDocument } from '@vigil/shared';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAgainstRemembered, recallTrust, rememberTrust, trustMemoryPath } from './trust-memory.js';

const alice = generateSigningKeyPair();
const bob = generateSigningKeyPair();
const mallory = generateSigningKeyPair();
function trust(version: number, keys: SigningKeyPair[], signer: SigningKeyPair): SignedTrust {
  const document: TrustDocument = { kind: 'vigil.trust', tenant: 'acme', version, keys: keys.map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, name: 'k' })), issuedAt: version };
  return { document, signature: signDocument(document, signer.privateKeyPem) };
}

describe('checkAgainstRemembered', () => {
  const v1 = trust(1, [alice], alice);

  it('accepts a first sight, the same document, and a successor signed by a remembered key', () => {
    expect(checkAgainstRemembered(null, v1)).toEqual({ ok: true, firstSight: true });
    expect(checkAgainstRemembered(v1, v1)).toEqual({ ok: true, firstSight: false });
    // Another administrator added Bob, signing with Alice's key: that follows.
    expect(checkAgainstRemembered(v1, trust(3, [alice, bob], alice))).toEqual({ ok: true, firstSight: false });
  });

  it('refuses a forged successor, a different document of the same version, and a rollback', () => {
    // A compromised collector that slipped in its own key and signed with it.
    expect(checkAgainstRemembered(v1, trust(2, [alice, mallory], mallory))).toMatchObject({ ok: false, reason: expect.stringMatching(/does not follow from version 1/) });
    expect(checkAgainstRemembered(v1, trust(1, [mallory], mallory))).toMatchObject({ ok: false, reason: expect.stringMatching(/differs/) });
    expect(checkAgainstRemembered(trust(2, [alice], alice), v1)).toMatchObject({ ok: false, reason: expect.stringMatching(/older than version 2/) });
  });
});

describe('the remembered copy', () => {
  it('is kept per collector and tenant, readable by its owner alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-trust-'));
    try {
      const file = trustMemoryPath(dir, 'https://vigil.example.com:8443', 'acme');
      expect(file).toBe(join(dir, 'trust', 'vigil.example.com%3A8443', 'acme.json'));
      expect(recallTrust(file)).toBeNull();
      rememberTrust(file, trust(1, [alice], alice));
      expect(recallTrust(file)?.document.version).toBe(1);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
