import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrollError } from './enroll-error.js';
import { enrollmentTrustFields, resolveEnrollTransport } from './transport-options.js';

const HTTPS = 'https://vigil.example.com';
const HTTP = 'http://127.0.0.1:8080';
const PIN = 'AB:'.repeat(31) + 'AB';

describe('enroll transport options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-transport-'));
  let certPem: string;
  beforeAll(async () => {
    certPem = (await generate([{ name: 'commonName', value: 'Test CA' }], { keyType: 'ec', algorithm: 'sha256' })).cert;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('refuses http:// unless plaintext is allowed, saying why and how', () => {
    expect(() => resolveEnrollTransport({ server: HTTP })).toThrow(EnrollError);
    expect(() => resolveEnrollTransport({ server: HTTP })).toThrow(/refusing plain http:\/\/.*unencrypted.*https:\/\/.*--allow-plaintext/);
  });

  it('allows http:// with --allow-plaintext, with a warning', () => {
    const transport = resolveEnrollTransport({ server: HTTP, allowPlaintext: true });
    expect(transport.trust).toEqual({ allowPlaintext: true });
    expect(transport.warning).toMatch(/warning: .*plain http:\/\/.*unencrypted/);
  });

  it('refuses trust options that cannot apply', () => {
    expect(() => resolveEnrollTransport({ server: HTTP, allowPlaintext: true, fingerprint: PIN })).toThrow(/--ca and --fingerprint verify an https:\/\/ collector/);
    expect(() => resolveEnrollTransport({ server: HTTP, allowPlaintext: true, caFile: file('ca-for-http.pem', certPem) })).toThrow(/--ca and --fingerprint/);
    expect(() => resolveEnrollTransport({ server: HTTPS, allowPlaintext: true })).toThrow(/--allow-plaintext is only for an http:\/\/ collector/);
  });

  it('stores a pin in canonical form and rejects one that is not a SHA-256 fingerprint', () => {
    expect(resolveEnrollTransport({ server: HTTPS, fingerprint: PIN.replaceAll(':', '').toLowerCase() })).toEqual({ trust: { fingerprint256: PIN } });
    expect(() => resolveEnrollTransport({ server: HTTPS, fingerprint: 'AB:CD' })).toThrow(/--fingerprint must be a SHA-256 certificate fingerprint.*got "AB:CD"/);
  });

  it('reads the CA certificates from --ca and refuses files that hold none', () => {
    const ca = file('ca.pem', `Test CA bundle\n${certPem}`);
    expect(resolveEnrollTransport({ server: HTTPS, caFile: ca }).trust.caPem).toBe(`${certPem.trim()}\n`);
    expect(() => resolveEnrollTransport({ server: HTTPS, caFile: join(dir, 'missing.pem') })).toThrow(/cannot read --ca .*missing\.pem/);
    expect(() => resolveEnrollTransport({ server: HTTPS, caFile: file('empty.pem', 'nothing here') })).toThrow(/holds no PEM certificate/);
    const broken = certPem.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
    expect(() => resolveEnrollTransport({ server: HTTPS, caFile: file('broken.pem', broken) })).toThrow(/cannot be parsed/);
  });

  it('records in agent.json only what was given', () => {
    expect(enrollmentTrustFields({}, 'ca.pem')).toEqual({});
    expect(enrollmentTrustFields({ allowPlaintext: true }, 'ca.pem')).toEqual({ allowPlaintext: true });
    expect(enrollmentTrustFields({ caPem: certPem, fingerprint256: PIN }, 'ca.pem')).toEqual({ tls: { caFile: 'ca.pem', fingerprint256: PIN } });
  });
});
