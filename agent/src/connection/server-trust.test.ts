import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEnrollmentFile } from '@vigil/shared';
import { UntrustedCollectorError, connectTrusted, loadServerTrust } from './server-trust.js';

describe('server trust', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-trust-'));
  let certPem: string;
  beforeAll(async () => {
    certPem = (await generate([{ name: 'commonName', value: 'Test CA' }], { keyType: 'ec', algorithm: 'sha256' })).cert;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const enrollmentWithCa = (name: string, text: string): AgentEnrollmentFile => {
    writeFileSync(join(dir, name), text);
    return { tls: { caFile: name } } as AgentEnrollmentFile;
  };

  it('loads the CA named in agent.json', () => {
    expect(loadServerTrust(dir, enrollmentWithCa('ca.pem', certPem)).caPem).toBe(`${certPem.trim()}\n`);
  });

  it('refuses a CA file that is empty or holds no usable certificate, instead of trusting the system CAs', () => {
    expect(() => loadServerTrust(dir, enrollmentWithCa('empty.pem', ''))).toThrow(/empty\.pem named in agent\.json holds no PEM certificate/);
    expect(() => loadServerTrust(dir, enrollmentWithCa('text.pem', 'just a comment\n'))).toThrow(/holds no PEM certificate/);
    const broken = certPem.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
    expect(() => loadServerTrust(dir, enrollmentWithCa('broken.pem', broken))).toThrow(/cannot be parsed/);
    expect(() => loadServerTrust(dir, { tls: { caFile: 'missing.pem' } } as AgentEnrollmentFile)).toThrow(/cannot read .*missing\.pem/);
  });

  it('refuses to connect with a blank CA rather than falling back to the system CAs', () => {
    for (const caPem of ['', ' \n']) {
      expect(() => connectTrusted({ host: '127.0.0.1', port: 9 }, { caPem })).toThrow(UntrustedCollectorError);
    }
  });
});
