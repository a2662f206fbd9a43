import { describe, expect, it } from 'vitest';
import { documentDigest, generateSigningKeyPair, publicKeyOf, signDocument, signingKeyId, verifyDocument } from './signing-keys.js';

const doc = { kind: 'vigil.script', name: 'restart spooler', body: 'echo hi' };

describe('signing keys', () => {
  it('signs a document so that exactly that document and key verify', () => {
    const key = generateSigningKeyPair();
    const signature = signDocument(doc, key.privateKeyPem);
    expect(signature).toMatchObject({ keyId: key.keyId, alg: 'ed25519' });
    expect(verifyDocument(doc, signature, key.publicKey)).toBe(true);
    // Key order does not matter; one changed byte does.
    const reordered = JSON.parse('{"body":"echo hi","name":"restart spooler","kind":"vigil.script"}') as typeof doc;
    expect(verifyDocument(reordered, signature, key.publicKey)).toBe(true);
    expect(verifyDocument({ ...doc, body: 'echo hI' }, signature, key.publicKey)).toBe(false);
  });

  it('does not accept another key, a key id that does not match, or a signature of another kind of document', () => {
    const key = generateSigningKeyPair();
    const other = generateSigningKeyPair();
    const signature = signDocument(doc, key.privateKeyPem);
    expect(verifyDocument(doc, signature, other.publicKey)).toBe(false);
    expect(verifyDocument(doc, { ...signature, keyId: other.keyId }, other.publicKey)).toBe(false);
    expect(verifyDocument({ ...doc, kind: 'vigil.trust' }, signature, key.publicKey)).toBe(false);
    expect(verifyDocument(doc, { ...signature, value: 'AAAA' }, key.publicKey)).toBe(false);
  });

  it('derives the same key id and public key from the private key', () => {
    const key = generateSigningKeyPair();
    expect(publicKeyOf(key.privateKeyPem)).toEqual({ keyId: key.keyId, publicKey: key.publicKey });
    expect(signingKeyId(key.publicKey)).toMatch(/^key_[A-Za-z0-9_-]{16}$/);
  });

  it('refuses to sign with a key that is not ed25519', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => signDocument(doc, rsa)).toThrow(/ed25519/);
  });

  it('digests the canonical form', () => {
    expect(documentDigest({ b: 1, a: 2 })).toBe(documentDigest({ a: 2, b: 1 }));
    expect(documentDigest({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});
