import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDocument, verifyDocument } from '@vigil/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyFileStem, loadKeyFile, loadSigningKey, writeNewKeyPair } from './signing-key-files.js';

const posixOnly = process.platform === 'win32' ? it.skip : it;

describe('signing key files', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vigil-keys-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  posixOnly('writes the private key 0600 in a folder 0700, whatever the umask, and the public key beside it', () => {
    const dir = join(root, 'config', 'keys');
    const previous = process.umask(0o000);
    let written;
    try {
      written = writeNewKeyPair(dir, 'alice');
    } finally {
      process.umask(previous);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(written.privateKeyFile).mode & 0o777).toBe(0o600);
    expect(statSync(written.publicKeyFile).mode & 0o777).toBe(0o644);
    expect(readdirSync(dir).sort()).toEqual(['alice.key', 'alice.pub']);
  });

  it('writes a PKCS#8 private key and an SPKI public key that read back as the same key', () => {
    const written = writeNewKeyPair(root, 'alice');
    expect(readFileSync(written.privateKeyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(readFileSync(written.publicKeyFile, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    const signer = loadSigningKey(written.privateKeyFile);
    const pub = loadKeyFile(written.publicKeyFile);
    expect(pub).toEqual({ keyId: written.keyId, publicKey: written.publicKey, privateKeyPem: null });
    expect(signer.keyId).toBe(written.keyId);
    const doc = { kind: 'vigil.test', n: 1 };
    expect(verifyDocument(doc, signDocument(doc, signer.privateKeyPem), pub.publicKey)).toBe(true);
  });

  it('never overwrites an existing key file, and leaves nothing half-written', () => {
    const first = writeNewKeyPair(root, 'alice');
    const before = readFileSync(first.privateKeyFile, 'utf8');
    expect(() => writeNewKeyPair(root, 'alice')).toThrow(/alice\.key already exists/);
    expect(readFileSync(first.privateKeyFile, 'utf8')).toBe(before);
    writeFileSync(join(root, 'bob.pub'), 'someone else\'s');
    expect(() => writeNewKeyPair(root, 'bob')).toThrow(/bob\.pub already exists/);
    expect(readdirSync(root).sort()).toEqual(['alice.key', 'alice.pub', 'bob.pub']);
  });

  it('refuses names that could point elsewhere', () => {
    for (const name of ['../evil', 'a/b', '', '.hidden', 'a..b']) expect(() => writeNewKeyPair(root, name)).toThrow(/--name/);
  });

  posixOnly('warns about a private key or a key folder others can read', () => {
    const open = join(root, 'open');
    mkdirSync(open, { mode: 0o755 });
    chmodSync(open, 0o755);
    const warnings: string[] = [];
    const written = writeNewKeyPair(open, 'alice', (m) => warnings.push(m));
    expect(warnings).toEqual([expect.stringMatching(/open to other users/)]);
    chmodSync(written.privateKeyFile, 0o644);
    loadSigningKey(written.privateKeyFile, (m) => warnings.push(m));
    expect(warnings[1]).toMatch(/readable by other users; run: chmod 600/);
  });

  it('refuses to sign with a public key, other key types and files that are no keys, without quoting them', () => {
    const written = writeNewKeyPair(root, 'alice');
    expect(() => loadSigningKey(written.publicKeyFile)).toThrow(/holds only a public key; sign with the private key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    writeFileSync(join(root, 'rsa.key'), rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => loadKeyFile(join(root, 'rsa.key'))).toThrow(/holds an rsa key; signing keys are ed25519/);
    writeFileSync(join(root, 'notes.txt'), 'secret words');
    expect(() => loadKeyFile(join(root, 'notes.txt'))).toThrow(/is not a key file/);
    expect(() => loadKeyFile(join(root, 'notes.txt'))).not.toThrow(/secret words/);
    expect(() => loadKeyFile(join(root, 'missing.key'))).toThrow(/cannot read/);
  });

  it('names a key after its file', () => {
    expect(keyFileStem('/home/alice/.config/vigil/keys/alice.key')).toBe('alice');
    expect(keyFileStem('C:\\keys\\release.pub')).toBe('release');
  });
});
