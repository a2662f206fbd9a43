import { checkTrustUpdate, generateSigningKeyPair, signDocument, type SigningKeyPair, type TrustedKey } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { EXIT_USAGE } from './cli-error.js';
import { assertIntact, initialTrust, trustWithKey, trustWithoutKey } from './trust-document.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const trusted = (key: SigningKeyPair, name: string): TrustedKey => ({ keyId: key.keyId, publicKey: key.publicKey, name });

describe('building trust documents', () => {
  const alice = generateSigningKeyPair();
  const bob = generateSigningKeyPair();
  const carol = generateSigningKeyPair();

  it('starts at version 1 with one key that signs it, as agents accept at enrollment', () => {
    const v1 = initialTrust('acme', trusted(alice, 'Alice'), alice, NOW);
    expect(v1.document).toEqual({ kind: 'vigil.trust', tenant: 'acme', version: 1, keys: [trusted(alice, 'Alice')], issuedAt: NOW });
    expect(v1.signature.keyId).toBe(alice.keyId);
    expect(checkTrustUpdate(null, v1)).toEqual({ ok: true });
    expect(() => initialTrust('acme', trusted(alice, 'Alice'), bob, NOW)).toThrow(/signed by the key it trusts/);
    expect(() => initialTrust('Not A Tenant', trusted(alice, 'Alice'), alice, NOW)).toThrow(expect.objectContaining({ exitCode: EXIT_USAGE }));
  });

  it('adds and removes keys as new versions signed by a key of the current one, which agents accept', () => {
    const v1 = initialTrust('acme', trusted(alice, 'Alice'), alice, NOW);
    const v2 = trustWithKey(v1.document, trusted(bob, 'Bob'), alice, NOW + 1000);
    expect(v2.document).toMatchObject({ version: 2, keys: [{ keyId: alice.keyId }, { keyId: bob.keyId, name: 'Bob' }], issuedAt: NOW + 1000 });
    expect(checkTrustUpdate(v1.document, v2)).toEqual({ ok: true });
    // Bob, trusted since version 2, removes Alice.
    const v3 = trustWithoutKey(v2.document, alice.keyId, bob, NOW + 2000);
    expect(v3.document).toMatchObject({ version: 3, keys: [{ keyId: bob.keyId }] });
    expect(checkTrustUpdate(v2.document, v3)).toEqual({ ok: true });
  });

  it('never lets issuedAt go back when this clock is behind', () => {
    const v1 = initialTrust('acme', trusted(alice, 'Alice'), alice, NOW);
    expect(trustWithKey(v1.document, trusted(bob, 'Bob'), alice, NOW - 60_000).document.issuedAt).toBe(NOW + 1);
  });

  it('refuses a signer the current version does not trust, a key twice, an unknown key and the last key', () => {
    const v1 = initialTrust('acme', trusted(alice, 'Alice'), alice, NOW);
    expect(() => trustWithKey(v1.document, trusted(bob, 'Bob'), bob, NOW)).toThrow(new RegExp(`${bob.keyId} is not trusted in version 1 for acme; sign with one of: ${alice.keyId} \\(Alice\\)`));
    expect(() => trustWithKey(v1.document, trusted(alice, 'Alice again'), alice, NOW)).toThrow(/already trusted for acme as "Alice"/);
    expect(() => trustWithoutKey(v1.document, carol.keyId, alice, NOW)).toThrow(new RegExp(`${carol.keyId} is not trusted for acme`));
    expect(() => trustWithoutKey(v1.document, alice.keyId, alice, NOW)).toThrow(/only trusted key for acme: add its replacement first/);
  });

  it('refuses to build on a document whose signature does not hold', () => {
    const v1 = initialTrust('acme', trusted(alice, 'Alice'), alice, NOW);
    expect(() => assertIntact(v1)).not.toThrow();
    const forged = { ...v1, document: { ...v1.document, keys: [...v1.document.keys, trusted(carol, 'Mallory')] } };
    expect(() => assertIntact(forged)).toThrow(/does not match its signature/);
    // Signed by a key since removed: nothing here can check it, and the agents check the chain.
    const v2 = trustWithKey(v1.document, trusted(bob, 'Bob'), alice, NOW);
    const v3 = trustWithoutKey(v2.document, alice.keyId, alice, NOW);
    expect(() => assertIntact(v3)).not.toThrow();
    expect(() => assertIntact({ ...v2, signature: signDocument(v1.document, alice.privateKeyPem) })).toThrow(/does not match/);
  });
});
