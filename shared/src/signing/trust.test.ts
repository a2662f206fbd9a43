import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair, signDocument, type SigningKeyPair } from './signing-keys.js';
import { checkTrustUpdate, type SignedTrust, type TrustDocument } from './trust.js';

const entry = (k: SigningKeyPair, name = 'admin') => ({ keyId: k.keyId, publicKey: k.publicKey, name });
function trust(version: number, keys: SigningKeyPair[], signer: SigningKeyPair, tenant = 'acme'): SignedTrust {
  const document: TrustDocument = { kind: 'vigil.trust', tenant, version, keys: keys.map((k) => entry(k)), issuedAt: 1_000 + version };
  return { document, signature: signDocument(document, signer.privateKeyPem) };
}

describe('checkTrustUpdate', () => {
  const first = generateSigningKeyPair();
  const second = generateSigningKeyPair();
  const stranger = generateSigningKeyPair();

  it('takes a first document signed by one of its own keys', () => {
    expect(checkTrustUpdate(null, trust(1, [first], first))).toEqual({ ok: true });
    expect(checkTrustUpdate(null, trust(1, [first], stranger))).toMatchObject({ ok: false, reason: expect.stringMatching(/not one of its own keys/) });
  });

  it('rotates only through a document signed by a key already trusted', () => {
    const v1 = trust(1, [first], first).document;
    expect(checkTrustUpdate(v1, trust(2, [first, second], first))).toEqual({ ok: true });
    // A collector that adds its own key and signs with it gets nowhere.
    expect(checkTrustUpdate(v1, trust(2, [first, stranger], stranger))).toMatchObject({ ok: false, reason: expect.stringMatching(/not trusted in version 1/) });
    const v2 = trust(2, [second], first).document;
    expect(checkTrustUpdate(v2, trust(3, [second], second))).toEqual({ ok: true });
    expect(checkTrustUpdate(v2, trust(3, [first], first))).toMatchObject({ ok: false });
  });

  it('refuses an older or equal version, another tenant\'s document, and an altered one', () => {
    const v2 = trust(2, [first], first).document;
    expect(checkTrustUpdate(v2, trust(2, [first], first))).toMatchObject({ ok: false, reason: expect.stringMatching(/not newer/) });
    expect(checkTrustUpdate(v2, trust(3, [first], first, 'globex'))).toMatchObject({ ok: false, reason: expect.stringMatching(/tenant globex/) });
    const altered = trust(3, [first], first);
    altered.document = { ...altered.document, keys: [entry(first), entry(stranger, 'sneaked in')] };
    expect(checkTrustUpdate(v2, altered)).toMatchObject({ ok: false, reason: 'trust document signature does not verify' });
  });
});
