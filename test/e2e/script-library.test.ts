/**
 * The signed script library and tenants' trust documents against a real collector: uploads
 * checked against the tenant's keys, versions, trust updates relayed to agents (at once and on
 * connection), and signed scripts dispatched with their signature and checked parameters.
 */
import {
  documentDigest, generateSigningKeyPair, signDocument,
  type ScriptManifest, type SigningKeyPair, type TrustDocument,
} from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { connectAuthenticated, enrollRaw, type RawConnection, type RawIdentity } from '../helpers/raw-agent.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('signed script library and trust', () => {
  const tmp = makeTempDir('script-library');
  let collector: TestCollector;
  let early: RawIdentity;
  let earlyConnection: RawConnection;
  const connections: RawConnection[] = [];
  const alice: SigningKeyPair = generateSigningKeyPair();
  const bob: SigningKeyPair = generateSigningKeyPair();
  const stranger: SigningKeyPair = generateSigningKeyPair();

  const api = (method: string, path: string, body?: unknown) => collector.api(method, path, body);
  const trustDoc = (version: number, keys: SigningKeyPair[], tenant = 'acme'): TrustDocument => ({
    kind: 'vigil.trust', tenant, version, issuedAt: Date.now(),
    keys: keys.map((k, i) => ({ keyId: k.keyId, publicKey: k.publicKey, name: `admin ${i}` })),
  });
  const signedTrust = (document: TrustDocument, by: SigningKeyPair) => ({ document, signature: signDocument(document, by.privateKeyPem) });
  const manifest = (overrides: Partial<ScriptManifest> = {}): ScriptManifest => ({
    kind: 'vigil.script', name: 'Clean temp', version: 1, shell: 'sh', body: 'find /tmp -mtime +"$1" -delete\n', args: [],
    params: [{ name: 'days', type: 'integer', required: true, min: 1, max: 30 }], env: {}, timeoutSec: 60, os: ['linux'], runAs: null,
    tenant: 'acme', expiresAt: null, ...overrides,
  });

  /** The collector drops an agent silent for three heartbeats: these hand-driven agents keep talking. */
  const keepAlive = (connection: RawConnection): RawConnection => {
    const heartbeat = setInterval(() => connection.send({ type: 'heartbeat', ts: Date.now() }), 1000);
    connection.ws.on('close', () => clearInterval(heartbeat));
    connections.push(connection);
    return connection;
  };

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
    early = await enrollRaw(collector.url, await collector.enrollToken('acme', 'hq'), 'early');
    earlyConnection = keepAlive(await connectAuthenticated(collector.wsUrl, early));
  });

  afterAll(async () => {
    for (const connection of connections) connection.ws.close();
    await collector?.stop();
    tmp.remove();
  });

  it('accepts a first trust document signed by one of its keys, and relays it to the tenant\'s agents', async () => {
    expect((await api('GET', '/api/v1/tenants/acme/trust')).status).toBe(404);
    const v1 = signedTrust(trustDoc(1, [alice]), alice);
    const put = await api('PUT', '/api/v1/tenants/acme/trust', v1);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ ...v1, createdBy: expect.any(String), createdAt: expect.any(Number) });
    expect((await api('GET', '/api/v1/tenants/acme/trust')).body.document).toEqual(v1.document);
    const pushed = await earlyConnection.waitFor((m) => m.type === 'trust.update');
    expect(pushed.trust).toEqual(v1);
  });

  it('accepts a later version only if a key of the current one signed it', async () => {
    const forged = await api('PUT', '/api/v1/tenants/acme/trust', signedTrust(trustDoc(2, [stranger]), stranger));
    expect(forged).toMatchObject({ status: 400, body: { error: { code: 'invalid_trust', message: expect.stringMatching(/not trusted in version 1/) } } });
    const stale = await api('PUT', '/api/v1/tenants/acme/trust', signedTrust(trustDoc(1, [alice]), alice));
    expect(stale.body.error.message).toMatch(/not newer/);
    const elsewhere = await api('PUT', '/api/v1/tenants/acme/trust', signedTrust(trustDoc(2, [alice], 'globex'), alice));
    expect(elsewhere).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^invalid body: document.tenant/) } } });
    const v2 = signedTrust(trustDoc(2, [alice, bob]), alice);
    expect((await api('PUT', '/api/v1/tenants/acme/trust', v2)).status).toBe(200);
    const audit = await api('GET', '/api/v1/audit?action=trust.updated');
    expect(audit.body.entries[0]).toMatchObject({ tenantId: 'acme', after: { version: 2, keyIds: [alice.keyId, bob.keyId] } });
  });

  it('gives the current trust to an agent at enrollment, and to one that pins an older version when it connects', async () => {
    const late = await enrollRaw(collector.url, await collector.enrollToken('acme', 'hq'), 'late');
    const connection = keepAlive(await connectAuthenticated(collector.wsUrl, late));
    expect((await connection.waitFor((m) => m.type === 'trust.update')).trust.document.version).toBe(2);
    const enroll = await fetch(`${collector.url}/api/v1/agents/enroll`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(10_000),
      body: JSON.stringify({ token: await collector.enrollToken('acme', 'hq'), publicKey: generateSigningKeyPair().publicKey, hostname: 'x', os: { platform: 'linux' }, agentVersion: 't' }),
    });
    expect(((await enroll.json()) as { trust: { document: TrustDocument } }).trust.document.version).toBe(2);
  });

  it('takes a signed script only if a trusted key of its tenant signed exactly that manifest', async () => {
    const m = manifest();
    const unknown = await api('POST', '/api/v1/scripts', { manifest: m, signature: signDocument(m, stranger.privateKeyPem), tenant: 'acme' });
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'unknown_signer' } } });
    const tampered = await api('POST', '/api/v1/scripts', { manifest: { ...m, body: 'rm -rf /\n' }, signature: signDocument(m, alice.privateKeyPem), tenant: 'acme' });
    expect(tampered).toMatchObject({ status: 400, body: { error: { code: 'invalid_signature' } } });
    const misplaced = await api('POST', '/api/v1/scripts', { manifest: m, signature: signDocument(m, alice.privateKeyPem), tenant: 'globex' });
    expect(misplaced).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^invalid body: manifest.tenant/) } } });

    const created = await api('POST', '/api/v1/scripts', { manifest: m, signature: signDocument(m, bob.privateKeyPem), tenant: 'acme' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, name: 'Clean temp', tenantId: 'acme', digest: documentDigest(m), signature: { keyId: bob.keyId }, manifest: m });
    const audit = await api('GET', `/api/v1/audit?action=script.created&targetId=${created.body.id}`);
    expect(audit.body.entries[0].after).toEqual({ name: 'Clean temp', version: 1, digest: documentDigest(m), signer: bob.keyId, requiresApproval: false });
  });

  it('keeps every version, each higher than the last', async () => {
    const v1 = manifest({ name: 'Rotate logs', params: [] });
    const { body: script } = await api('POST', '/api/v1/scripts', { manifest: v1, signature: signDocument(v1, alice.privateKeyPem), tenant: 'acme' });
    const v3 = { ...v1, version: 3, body: 'logrotate -f /etc/logrotate.conf\n' };
    const added = await api('POST', `/api/v1/scripts/${script.id}/versions`, { manifest: v3, signature: signDocument(v3, alice.privateKeyPem) });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ id: script.id, version: 3, digest: documentDigest(v3) });
    const again = await api('POST', `/api/v1/scripts/${script.id}/versions`, { manifest: v3, signature: signDocument(v3, alice.privateKeyPem) });
    expect(again).toMatchObject({ status: 409, body: { error: { message: expect.stringMatching(/not higher than the latest, 3/) } } });
    const renamed = { ...v1, version: 4, name: 'Other' };
    expect((await api('POST', `/api/v1/scripts/${script.id}/versions`, { manifest: renamed, signature: signDocument(renamed, alice.privateKeyPem) })).status).toBe(400);

    const detail = await api('GET', `/api/v1/scripts/${script.id}`);
    expect(detail.body).toMatchObject({ version: 3, versions: [
      { version: 1, digest: documentDigest(v1), signer: alice.keyId },
      { version: 3, digest: documentDigest(v3), signer: alice.keyId },
    ] });
    expect((await api('GET', `/api/v1/scripts/${script.id}/versions/1`)).body.manifest).toEqual(v1);
    expect((await api('GET', `/api/v1/scripts/${script.id}/versions/2`)).status).toBe(404);
    const listed = (await api('GET', '/api/v1/scripts')).body.scripts.filter((s: { id: string }) => s.id === script.id);
    expect(listed.map((s: { version: number }) => s.version)).toEqual([3]);
  });

  it('dispatches a signed script with its signature and checked parameters, and refuses replaced arguments', async () => {
    const m = manifest({ name: 'Clean cache', tenant: null });
    const signature = signDocument(m, alice.privateKeyPem);
    // MSP-wide: any tenant's trusted key will do at upload (each agent checks its own).
    expect((await api('POST', '/api/v1/scripts', { manifest: m, signature: signDocument(m, stranger.privateKeyPem) })).body.error.code).toBe('unknown_signer');
    const { body: script } = await api('POST', '/api/v1/scripts', { manifest: m, signature });
    const missing = await api('POST', '/api/v1/jobs', { scriptId: script.id, agentIds: [early.agentId] });
    expect(missing).toMatchObject({ status: 400, body: { error: { message: 'invalid body: params: parameter days is required' } } });
    const args = await api('POST', '/api/v1/jobs', { scriptId: script.id, agentIds: [early.agentId], params: { days: 3 }, args: ['-x'] });
    expect(args.body.error.message).toMatch(/^invalid body: args: script .* is signed/);

    const job = await api('POST', '/api/v1/jobs', { scriptId: script.id, agentIds: [early.agentId], params: { days: '3' }, expiresIn: '1h' });
    expect(job.status).toBe(201);
    const dispatch = await earlyConnection.waitFor((msg) => msg.type === 'job.dispatch' && msg.jobId === job.body.id);
    expect(dispatch).toEqual({
      type: 'job.dispatch', jobId: job.body.id, runId: job.body.runs[0].id, agentId: early.agentId, expiresAt: job.body.expiresAt,
      script: { manifest: m, signature }, params: { days: 3 },
    });
  });
});
