import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from '@vigil/shared';
import { keyNameOf, parseTrustKey } from './trust-key-file.js';

const pemOf = (spki: string) => createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();

describe('--trust-key files', () => {
  it('reads a .pub file as vigil keys generate writes it, named after the file', () => {
    const key = generateSigningKeyPair();
    expect(parseTrustKey(pemOf(key.publicKey), '/home/jane/.config/vigil/keys/alice.pub')).toEqual({ keyId: key.keyId, publicKey: key.publicKey, name: 'alice' });
    expect(keyNameOf('C:\\keys\\ops-2026.pem')).toBe('ops-2026');
  });

  it('refuses a private key without quoting it', () => {
    const key = generateSigningKeyPair();
    let message = '';
    try {
      parseTrustKey(key.privateKeyPem, 'alice.key');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/holds a private key; give the public key/);
    expect(message).not.toContain('BEGIN');
  });

  it('refuses keys that are not Ed25519, and text that is no key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => parseTrustKey(rsa, 'rsa.pub')).toThrow(/holds an rsa key; script-signing keys are ed25519/);
    expect(() => parseTrustKey('hello', 'x.pub')).toThrow(/is not a PEM public key/);
  });
});
