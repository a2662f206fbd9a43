/**
 * TLS between agent and collector, with real processes: the collector serves HTTPS and WSS with a
 * certificate signed by a test CA; agents enroll with a pinned fingerprint or with the CA and
 * stream frames over wss. A wrong pin or CA is refused before the enrollment token leaves the
 * agent (the token is not spent), plain http needs --allow-plaintext, and an agent whose collector
 * comes back with another certificate stays away from it, says why in status.json, and returns
 * once the right certificate is back.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentEnrollmentFileSchema, AgentRuntimeStatusSchema } from '@vigil/shared';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import { runNode, type Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { AGENT_BIN, COLLECTOR_BIN } from '../helpers/paths.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

interface CertFiles { cert: string; key: string; pem: string; fingerprint256: string }

const FOR_127 = { name: 'subjectAltName' as const, altNames: [{ type: 7 as const, ip: '127.0.0.1' }] };

/** A CA, a server certificate for 127.0.0.1 signed by it, and an unrelated self-signed one for 127.0.0.1. */
async function makeCertificates(dir: string): Promise<{ caFile: string; caPem: string; server: CertFiles; rogue: CertFiles }> {
  const ca = await generate([{ name: 'commonName', value: 'Vigil Test CA' }], {
    keyType: 'ec', algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }],
  });
  const server = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec', algorithm: 'sha256', ca: { key: ca.private, cert: ca.cert },
    extensions: [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true }, { name: 'extKeyUsage', serverAuth: true }, FOR_127],
  });
  const rogue = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keyType: 'ec', algorithm: 'sha256', extensions: [FOR_127] });
  const save = (name: string, pair: { cert: string; private: string }): CertFiles => {
    writeFileSync(join(dir, `${name}.pem`), pair.cert);
    writeFileSync(join(dir, `${name}.key`), pair.private, { mode: 0o600 });
    return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`), pem: pair.cert, fingerprint256: new X509Certificate(pair.cert).fingerprint256 };
  };
  writeFileSync(join(dir, 'ca.pem'), ca.cert);
  return { caFile: join(dir, 'ca.pem'), caPem: ca.cert, server: save('server', server), rogue: save('rogue', rogue) };
}

const readStatus = (stateDir: string) => {
  const file = join(stateDir, 'status.json');
  return existsSync(file) ? AgentRuntimeStatusSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
};
const readEnrollment = (stateDir: string) => AgentEnrollmentFileSchema.parse(JSON.parse(readFileSync(join(stateDir, 'agent.json'), 'utf8')));
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('TLS between agent and collector', () => {
  const tmp = makeTempDir('tls');
  const dataDir = join(tmp.path, 'data');
  let certs: Awaited<ReturnType<typeof makeCertificates>>;
  let collector: TestCollector;
  const extraCollectors: TestCollector[] = [];
  const agents: Child[] = [];

  const serveWith = (files: CertFiles, extra: string[] = []) => ['--tls-cert', files.cert, '--tls-key', files.key, ...extra];
  const newToken = async (target = collector) => {
    const created = await target.api('POST', '/api/v1/enrollment-tokens', { tenant: 'acme', site: 'hq', maxUses: 1 });
    expect(created.status).toBe(201);
    return created.body as { id: string; token: string };
  };
  const tokenUses = async (id: string, target = collector) =>
    ((await target.api('GET', '/api/v1/enrollment-tokens')).body.enrollmentTokens as Array<{ id: string; uses: number }>).find((t) => t.id === id)!.uses;
  const agentRow = async (agentId: string, target = collector) => (await target.api('GET', `/api/v1/agents/${agentId}`)).body as { lastSeq: number; online: boolean };
  const enrollCli = (server: string, token: string, stateDir: string, extra: string[]) =>
    runNode(AGENT_BIN, ['enroll', '--server', server, '--token', token, '--state', stateDir, ...extra]);
  const run = (stateDir: string) => {
    const agent = runAgent(stateDir, '300ms');
    agents.push(agent);
    return agent;
  };

  beforeAll(async () => {
    certs = await makeCertificates(tmp.path);
    collector = await startTestCollector(dataDir, serveWith(certs.server), { ca: certs.caPem });
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop()));
    await Promise.all([collector, ...extraCollectors].map((c) => c?.stop()));
    tmp.remove();
  });

  it('serves HTTPS on its port and prints the certificate fingerprint agents pin', async () => {
    expect(collector.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(collector.fingerprint256).toBe(certs.server.fingerprint256);
    const [logged] = await collector.child.waitForLine(/\{[^\n]*"fingerprint256"[^\n]*\}/);
    expect(JSON.parse(logged!)).toMatchObject({ fingerprint256: certs.server.fingerprint256 });
    expect((await collector.api('GET', '/healthz')).status).toBe(200);
  });

  it('refuses half a TLS configuration, an unreadable file and a key that does not belong to the certificate', async () => {
    const serve = (args: string[]) => runNode(COLLECTOR_BIN, ['serve', '--port', '0', '--data', join(tmp.path, 'never-started'), ...args]);
    const halves = await serve(['--tls-cert', certs.server.cert]);
    expect(halves.code).toBe(1);
    expect(halves.stderr.trim()).toBe('vigil-collector: --tls-cert and --tls-key go together: give both to serve HTTPS and WSS, or neither for plain HTTP');
    const missing = await serve(['--tls-cert', join(tmp.path, 'missing.pem'), '--tls-key', certs.server.key]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read --tls-cert .*missing\.pem: ENOENT/);
    const mismatched = await serve(serveWith({ ...certs.server, key: certs.rogue.key }));
    expect(mismatched.code).toBe(1);
    expect(mismatched.stderr).toMatch(/--tls-key .*rogue\.key does not belong to the certificate in --tls-cert .*server\.pem/);
    for (const result of [halves, missing, mismatched]) expect(result.stdout).not.toMatch(/listening on/);
  });

  it('enrolls with a pinned fingerprint (any case, colons optional) and streams frames over wss', async () => {
    const state = join(tmp.path, 'pinned');
    const { token } = await newToken();
    const typed = certs.server.fingerprint256.replaceAll(':', '').toLowerCase();
    const agentId = await enrollAgent(collector.url, token, state, ['--fingerprint', typed]);
    const enrollment = readEnrollment(state);
    expect(enrollment.tls).toEqual({ fingerprint256: certs.server.fingerprint256 });
    expect(enrollment.allowPlaintext).toBeUndefined();

    const agent = run(state);
    await waitFor('frames stored from the pinned agent', async () => (await agentRow(agentId)).lastSeq >= 3);
    expect(readStatus(state)).toMatchObject({ state: 'connected', lastError: null });
    expect(agent.output()).not.toMatch(/plain ws:\/\//);
  });

  it('enrolls with --ca, keeping a copy of the CA in the state directory, and streams frames', async () => {
    const state = join(tmp.path, 'with-ca');
    const { token } = await newToken();
    const agentId = await enrollAgent(collector.url, token, state, ['--ca', certs.caFile]);
    expect(readEnrollment(state).tls).toEqual({ caFile: 'ca.pem' });
    expect(readFileSync(join(state, 'ca.pem'), 'utf8').trim()).toBe(certs.caPem.trim());
    run(state);
    await waitFor('frames stored from the CA-verified agent', async () => (await agentRow(agentId)).lastSeq >= 3);
  });

  it('refuses a wrong fingerprint or CA without spending the enrollment token', async () => {
    const { id, token } = await newToken();
    const state = join(tmp.path, 'refused');

    const wrongPin = await enrollCli(collector.url, token, state, ['--fingerprint', certs.rogue.fingerprint256]);
    expect(wrongPin.code).toBe(1);
    expect(wrongPin.stdout).toBe('');
    expect(wrongPin.stderr).toContain('nothing was sent');
    expect(wrongPin.stderr).toContain(`fingerprint is SHA-256 ${certs.server.fingerprint256}, but this agent pinned ${certs.rogue.fingerprint256}`);

    // The chain checks out here, so only the pin stands between the token and the collector.
    const rightCaWrongPin = await enrollCli(collector.url, token, state, ['--ca', certs.caFile, '--fingerprint', certs.rogue.fingerprint256]);
    expect(rightCaWrongPin.code).toBe(1);
    expect(rightCaWrongPin.stderr).toContain(`but this agent pinned ${certs.rogue.fingerprint256}`);

    const wrongCa = await enrollCli(collector.url, token, state, ['--ca', certs.rogue.cert]);
    expect(wrongCa.code).toBe(1);
    expect(wrongCa.stderr).toMatch(/not trusted by the CA given at enrollment/);

    const noTrust = await enrollCli(collector.url, token, state, []);
    expect(noTrust.code).toBe(1);
    expect(noTrust.stderr).toMatch(/not trusted by the system's trusted CAs/);

    expect(existsSync(join(state, 'agent.json'))).toBe(false);
    expect(await tokenUses(id)).toBe(0);
    // The single-use token is still good: the refused attempts never reached the collector.
    await enrollAgent(collector.url, token, state, ['--fingerprint', certs.server.fingerprint256]);
    expect(await tokenUses(id)).toBe(1);
  });

  it('refuses plain http:// unless --allow-plaintext is given, then warns on enrollment and on every connect', async () => {
    const plain = await startTestCollector(join(tmp.path, 'plain-data'));
    extraCollectors.push(plain);
    const { id, token } = await newToken(plain);
    const state = join(tmp.path, 'plain');

    const refused = await enrollCli(plain.url, token, state, []);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refusing plain http:\/\/.*unencrypted.*--allow-plaintext/);
    expect(await tokenUses(id, plain)).toBe(0);

    const allowed = await enrollCli(plain.url, token, state, ['--allow-plaintext']);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/warning: enrolling with plain http:\/\/ \(--allow-plaintext\)/);
    expect(readEnrollment(state)).toMatchObject({ allowPlaintext: true });
    expect(readEnrollment(state).tls).toBeUndefined();

    const agent = run(state);
    await waitFor('the plaintext agent connected', () => readStatus(state)?.state === 'connected');
    expect(count(agent.output(), 'connected over plain ws://')).toBe(1);
    await plain.stop();
    const restarted = await startTestCollector(plain.dataDir, ['--port', new URL(plain.url).port]);
    extraCollectors.push(restarted);
    await waitFor('the plaintext agent reconnected', () => count(agent.output(), 'connected over plain ws://') === 2);

    // An agent.json written before --allow-plaintext existed keeps working, with a warning.
    await agent.stop();
    const { allowPlaintext: _allowed, ...older } = readEnrollment(state);
    writeFileSync(join(state, 'agent.json'), JSON.stringify(older));
    const upgraded = run(state);
    await upgraded.waitForLine(/connected over plain ws:\/\/ although this enrollment predates --allow-plaintext/);
    await waitFor('the upgraded agent connected', () => readStatus(state)?.state === 'connected');
  });

  it('stays away from a collector that comes back with another certificate, and returns once the right one is back', async () => {
    const state = join(tmp.path, 'rotated');
    const { token } = await newToken();
    const agentId = await enrollAgent(collector.url, token, state, ['--fingerprint', certs.server.fingerprint256]);
    const agent = run(state);
    await waitFor('the agent streaming', async () => (await agentRow(agentId)).lastSeq >= 2);

    const port = new URL(collector.url).port;
    await collector.stop();
    collector = await startTestCollector(dataDir, serveWith(certs.rogue, ['--port', port]), { ca: certs.rogue.pem });
    expect(collector.fingerprint256).toBe(certs.rogue.fingerprint256);
    const stored = (await agentRow(agentId)).lastSeq;

    const mismatch = `fingerprint is SHA-256 ${certs.rogue.fingerprint256}, but this agent pinned ${certs.server.fingerprint256}`;
    await waitFor('status.json to name the fingerprint mismatch', () => readStatus(state)?.lastError?.includes(mismatch));
    await waitFor('a second refused attempt', () => count(agent.output(), 'refusing the collector') >= 2, 30_000);
    expect(agent.process.exitCode).toBeNull();
    expect(readStatus(state)?.state).not.toBe('connected');
    expect(await agentRow(agentId)).toMatchObject({ lastSeq: stored, online: false });
    expect(collector.child.output()).not.toContain(agentId);

    await collector.stop();
    collector = await startTestCollector(dataDir, serveWith(certs.server, ['--port', port]), { ca: certs.caPem });
    await waitFor('the agent back and streaming', async () => {
      const row = await agentRow(agentId);
      return row.online && row.lastSeq > stored;
    }, 60_000);
    await waitFor('status.json to say connected, without an error', () => {
      const status = readStatus(state);
      return status?.state === 'connected' && status.lastError === null;
    });
  });
});
