/**
 * The enrollment request goes out only to a collector whose certificate passed the CA check or the
 * pin. A real https server on loopback counts every byte it receives after the TLS handshake.
 */
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrollRequest } from '@vigil/shared';
import { EnrollError, requestEnrollment } from './enroll-client.js';

const REQUEST: EnrollRequest = {
  token: 'enroll-token-that-must-not-leak',
  publicKey: 'MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=',
  hostname: 'host',
  os: { platform: 'linux', distro: 'test', release: '1', arch: 'x64' },
  agentVersion: 'test',
};

const ip127 = { name: 'subjectAltName' as const, altNames: [{ type: 7 as const, ip: '127.0.0.1' }] };

describe('requestEnrollment over https', () => {
  let caPem: string;
  let serverFingerprint: string;
  let otherFingerprint: string;
  let server: Server;
  let url: string;
  let bytesReceived = 0;
  let requests = 0;

  beforeAll(async () => {
    const ca = await generate([{ name: 'commonName', value: 'Test CA' }], {
      keyType: 'ec', algorithm: 'sha256',
      extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }],
    });
    const leaf = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec', algorithm: 'sha256', ca: { key: ca.private, cert: ca.cert },
      extensions: [{ name: 'basicConstraints', cA: false }, { name: 'extKeyUsage', serverAuth: true }, ip127],
    });
    const other = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keyType: 'ec', algorithm: 'sha256', extensions: [ip127] });
    caPem = ca.cert;
    serverFingerprint = new X509Certificate(leaf.cert).fingerprint256;
    otherFingerprint = new X509Certificate(other.cert).fingerprint256;

    server = createServer({ cert: leaf.cert, key: leaf.private }, (req, res) => {
      requests++;
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ agentId: 'agt_test', tenantId: 'acme', siteId: 'hq', tags: [] }));
      });
    });
    server.on('secureConnection', (socket: TLSSocket) => socket.on('data', (chunk: Buffer) => (bytesReceived += chunk.length)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Runs one enrollment attempt and reports what the server received meanwhile. */
  async function attempt(trust: Parameters<typeof requestEnrollment>[3]) {
    const before = { bytes: bytesReceived, requests };
    const outcome = await requestEnrollment(url, REQUEST, 5_000, trust).then(
      (response) => ({ response, error: undefined }),
      (error: Error) => ({ response: undefined, error }),
    );
    // Give bytes already on the wire a moment to arrive, so "none" means none.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { ...outcome, bytes: bytesReceived - before.bytes, requests: requests - before.requests };
  }

  it('sends nothing to a self-signed server whose fingerprint does not match the pin', async () => {
    // The chain check fails too here; the pin is what is being judged, and Node never consults
    // checkServerIdentity after a failed chain.
    const result = await attempt({ fingerprint256: otherFingerprint });
    expect(result.error).toBeInstanceOf(EnrollError);
    expect(result.error!.message).toContain(`fingerprint is SHA-256 ${serverFingerprint}, but this agent pinned ${otherFingerprint}`);
    expect(result.error!.message).toMatch(/nothing was sent/);
    expect(result.bytes).toBe(0);
    expect(result.requests).toBe(0);
  });

  it('sends nothing when the chain is good but the pin is wrong', async () => {
    const result = await attempt({ caPem, fingerprint256: otherFingerprint });
    expect(result.error!.message).toContain(`but this agent pinned ${otherFingerprint}`);
    expect(result.bytes).toBe(0);
  });

  it('sends nothing to a server the system CAs do not vouch for', async () => {
    const result = await attempt({});
    expect(result.error!.message).toMatch(/not trusted by the system's trusted CAs/);
    expect(result.bytes).toBe(0);
  });

  it('sends nothing when the certificate does not chain to the given CA', async () => {
    const unrelated = await generate([{ name: 'commonName', value: 'Other CA' }], { keyType: 'ec', algorithm: 'sha256', extensions: [{ name: 'basicConstraints', cA: true }] });
    const result = await attempt({ caPem: unrelated.cert });
    expect(result.error!.message).toMatch(/not trusted by the CA given at enrollment/);
    expect(result.bytes).toBe(0);
  });

  it('enrolls with the right pin, with the CA, and with both', async () => {
    for (const trust of [{ fingerprint256: serverFingerprint }, { caPem }, { caPem, fingerprint256: serverFingerprint }]) {
      const result = await attempt(trust);
      expect(result.error).toBeUndefined();
      expect(result.response).toEqual({ agentId: 'agt_test', tenantId: 'acme', siteId: 'hq', tags: [], trust: null });
      expect(result.requests).toBe(1);
    }
  });

  it('checks the host name against the certificate when a CA is used', async () => {
    const byName = url.replace('127.0.0.1', 'localhost');
    const result = await requestEnrollment(byName, REQUEST, 5_000, { caPem }).catch((error: Error) => error);
    expect((result as Error).message).toMatch(/not trusted by the CA given at enrollment.*localhost/);
  });
});
