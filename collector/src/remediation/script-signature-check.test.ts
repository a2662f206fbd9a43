import { generateSigningKeyPair, signDocument, type TrustDocument } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { unsignedManifest } from '../testing/scripts.js';
import { checkScriptSignature } from './script-signature-check.js';

describe('checkScriptSignature (the courtesy check at upload)', () => {
  const alice = generateSigningKeyPair();
  const bob = generateSigningKeyPair();
  const trust = (tenant: string, ...keys: Array<typeof alice>): TrustDocument => ({
    kind: 'vigil.trust', tenant, version: 1, issuedAt: 1, keys: keys.map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, name: 'k' })),
  });
  const manifest = unsignedManifest({ tenant: 'acme' });

  it('accepts an unsigned manifest (agents decide whether they run it) and a signature by a trusted key', () => {
    expect(checkScriptSignature(manifest, null, 'acme', [])).toEqual({ ok: true, signer: null });
    expect(checkScriptSignature(manifest, signDocument(manifest, alice.privateKeyPem), 'acme', [trust('acme', alice)])).toEqual({ ok: true, signer: alice.keyId });
  });

  it('names an unknown signer, for a tenant with or without keys, and for the MSP-wide library', () => {
    const byBob = signDocument(manifest, bob.privateKeyPem);
    expect(checkScriptSignature(manifest, byBob, 'acme', [trust('acme', alice)])).toEqual({
      ok: false, code: 'unknown_signer', reason: `signature.keyId: ${bob.keyId} is not in tenant acme's trust document (version 1)`,
    });
    expect(checkScriptSignature(manifest, byBob, 'acme', [])).toMatchObject({ code: 'unknown_signer', reason: expect.stringMatching(/has no trust document yet/) });
    expect(checkScriptSignature(manifest, byBob, null, [trust('acme', alice)])).toMatchObject({ code: 'unknown_signer', reason: expect.stringMatching(/in no tenant's trust document/) });
    expect(checkScriptSignature(manifest, byBob, null, [trust('acme', alice), trust('globex', bob)])).toEqual({ ok: true, signer: bob.keyId });
  });

  it('refuses a manifest changed after signing', () => {
    const signature = signDocument(manifest, alice.privateKeyPem);
    expect(checkScriptSignature({ ...manifest, body: 'rm -rf /' }, signature, 'acme', [trust('acme', alice)])).toMatchObject({ ok: false, code: 'invalid_signature' });
  });
});
