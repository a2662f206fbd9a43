import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ScriptManifestSchema,
  generateSigningKeyPair,
  signDocument,
  type Job,
  type JobResultMessage,
  type ScriptManifest,
  type Signature,
  type TrustDocument,
} from '@vigil/shared';
import { FakeCollector } from '../../agent/src/testing/fake-collector.js';
import { processRunning } from '../../agent/src/testing/process-state.js';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Signed remediation end to end, with real agent processes running as production does (no
 * --allow-unsigned): an agent runs what a key it pinned at enrollment signed, and refuses anything
 * else with the reason, even when the collector itself hands it something altered.
 */

interface Statement { run(...params: unknown[]): { changes: number } }
interface WritableDb { prepare(sql: string): Statement; close(): void }
const Database = createRequire(join(REPO_ROOT, 'collector', 'package.json'))('better-sqlite3') as new (file: string, options: { timeout: number; fileMustExist: boolean }) => WritableDb;

const TENANT = 'acme';
const FINAL = ['succeeded', 'failed', 'timed_out', 'rejected', 'error', 'expired', 'cancelled'];

const tmp = makeTempDir('signed-scripts');
const signer = generateSigningKeyPair();
const trustDocument: TrustDocument = {
  kind: 'vigil.trust', tenant: TENANT, version: 1, keys: [{ keyId: signer.keyId, publicKey: signer.publicKey, name: 'test administrator' }], issuedAt: Date.now(),
};
const trust = { document: trustDocument, signature: signDocument(trustDocument, signer.privateKeyPem) };

const marker = (name: string) => join(tmp.path, 'markers', name);
const manifestFor = (name: string, body: string, extra: Partial<ScriptManifest> = {}): ScriptManifest =>
  ScriptManifestSchema.parse({ kind: 'vigil.script', name, version: 1, shell: 'sh', body, os: ['linux', 'darwin'], tenant: TENANT, ...extra });
const touch = (name: string) => `touch "${marker(name)}"`;

afterAll(() => tmp.remove());

describe('signed scripts, through the real collector', () => {
  let collector: TestCollector;
  let agent: Child;
  let agentId: string;

  beforeAll(async () => {
    mkdirSync(join(tmp.path, 'markers'));
    collector = await startTestCollector(join(tmp.path, 'collector'));
    const token = await collector.enrollToken(TENANT, 'hq');
    const put = await collector.api('PUT', `/api/v1/tenants/${TENANT}/trust`, trust);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    agentId = await enrollAgent(collector.url, token, join(tmp.path, 'agent'));
    agent = runAgent(join(tmp.path, 'agent'), '1s', { allowUnsigned: false });
    await waitFor('the agent to connect', async () => (await collector.api('GET', `/api/v1/agents/${agentId}`)).body?.online === true);
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
  });

  async function upload(body: unknown): Promise<string> {
    const res = await collector.api('POST', '/api/v1/scripts', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }

  async function runOnAgent(scriptId: string): Promise<Job> {
    const created = await collector.api('POST', '/api/v1/jobs', { scriptId, targets: { agentIds: [agentId] }, params: {} });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return waitFor(`job ${created.body.id} to finish`, async () => {
      const job = (await collector.api('GET', `/api/v1/jobs/${created.body.id}`)).body as Job;
      return job.runs.length > 0 && job.runs.every((r) => FINAL.includes(r.state)) ? job : undefined;
    });
  }

  /** Replaces a stored script version's columns behind the collector's back, as an attacker with the database could. */
  function tamper(scriptId: string, column: 'manifest' | 'signature', value: unknown): void {
    const db = new Database(join(collector.dataDir, 'vigil.db'), { timeout: 10_000, fileMustExist: true });
    try {
      expect(db.prepare(`UPDATE script_versions SET ${column} = ? WHERE script_id = ?`).run(JSON.stringify(value), scriptId).changes).toBe(1);
    } finally {
      db.close();
    }
  }

  it('pinned the tenant\'s trust document at enrollment', async () => {
    expect(agent.output()).toMatch(new RegExp(`"trustVersion":1`));
  });

  it('(a) runs a script signed by the tenant\'s key', async () => {
    const manifest = manifestFor('touch a', `${touch('a')}\necho ran`);
    const job = await runOnAgent(await upload({ manifest, signature: signDocument(manifest, signer.privateKeyPem), tenant: TENANT }));
    expect(job.runs[0]).toMatchObject({ state: 'succeeded', exitCode: 0, stdout: 'ran\n' });
    expect(existsSync(marker('a'))).toBe(true);
  });

  it('(b) the collector refuses an upload whose body changed after signing', async () => {
    const manifest = manifestFor('touch b', touch('b'));
    const signature = signDocument(manifest, signer.privateKeyPem);
    const res = await collector.api('POST', '/api/v1/scripts', { manifest: { ...manifest, body: `${manifest.body} ` }, signature, tenant: TENANT });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toMatch(/signature/);
  });

  it('(c) the agent refuses a script altered in the collector\'s database, and nothing runs', async () => {
    const manifest = manifestFor('harmless c', 'echo harmless');
    const scriptId = await upload({ manifest, signature: signDocument(manifest, signer.privateKeyPem), tenant: TENANT });
    tamper(scriptId, 'manifest', { ...manifest, body: touch('c') });
    const job = await runOnAgent(scriptId);
    expect(job.runs[0]!.state).toBe('rejected');
    expect(job.runs[0]!.error).toMatch(new RegExp(`signature by ${signer.keyId} does not match the script: it was altered after signing`));
    expect(existsSync(marker('c'))).toBe(false);
  });

  it('(d) the agent refuses an unsigned script', async () => {
    const job = await runOnAgent(await upload({ name: 'unsigned d', shell: 'sh', body: touch('d'), tenant: TENANT }));
    expect(job.runs[0]!.state).toBe('rejected');
    expect(job.runs[0]!.error).toMatch(/script is not signed, and this agent runs only signed scripts/);
    expect(existsSync(marker('d'))).toBe(false);
  });

  it('(e) the agent refuses a script signed by a key its trust document does not hold, naming the key', async () => {
    const stranger = generateSigningKeyPair();
    const manifest = manifestFor('stranger e', touch('e'));
    // The collector would refuse the stranger's signature at upload; it is put in the database instead.
    const scriptId = await upload({ manifest, signature: signDocument(manifest, signer.privateKeyPem), tenant: TENANT });
    const forged: Signature = signDocument(manifest, stranger.privateKeyPem);
    tamper(scriptId, 'signature', forged);
    const job = await runOnAgent(scriptId);
    expect(job.runs[0]!.state).toBe('rejected');
    expect(job.runs[0]!.error).toBe(`script is signed by ${stranger.keyId}, which this agent does not trust`);
    expect(existsSync(marker('e'))).toBe(false);
  });

  it('(h) a cancelled job stops its running script, and what the script started', async () => {
    const pidFile = marker('h.pid');
    const manifest = manifestFor('long h', `sleep 300 &\necho $! > "${pidFile}"\nwait`);
    const scriptId = await upload({ manifest, signature: signDocument(manifest, signer.privateKeyPem), tenant: TENANT });
    const created = await collector.api('POST', '/api/v1/jobs', { scriptId, targets: { agentIds: [agentId] }, params: {} });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const pid = await waitFor('the script to start its child', () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) || undefined : undefined));
    const cancelled = await collector.api('POST', `/api/v1/jobs/${created.body.id}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const job = await waitFor('the run to end', async () => {
      const current = (await collector.api('GET', `/api/v1/jobs/${created.body.id}`)).body as Job;
      return FINAL.includes(current.runs[0]!.state) ? current : undefined;
    });
    expect(job.runs[0]).toMatchObject({ state: 'failed', error: 'cancelled by the collector' });
    await waitFor('the child to be gone', () => !processRunning(pid));
  });
});

/**
 * Dispatches a real collector never sends (it expires runs itself, and addresses each to its
 * agent) come from a stand-in that speaks the protocol and vouches for nothing.
 */
describe('signed scripts, from a collector that misbehaves', () => {
  const TOKEN = 'signed-scripts-token-0123456789';
  let fake: FakeCollector;
  let agent: Child;
  let agentId: string;

  beforeAll(async () => {
    fake = await FakeCollector.start({ tokens: [TOKEN], heartbeatSec: 1, trust });
    agentId = await enrollAgent(fake.url, TOKEN, join(tmp.path, 'agent-fake'));
    agent = runAgent(join(tmp.path, 'agent-fake'), '1s', { allowUnsigned: false });
    await fake.waitFor(() => fake.connected && fake.messages.some((m) => m.agentId === agentId && m.message.type === 'hello'), 'the agent to connect');
  });

  afterAll(async () => {
    await agent?.stop();
    await fake?.stop();
  });

  const dispatch = (runId: string, body: string, extra: { agentId?: string; expiresAt?: number } = {}) => {
    const manifest = manifestFor(runId, body);
    fake.send({
      type: 'job.dispatch', jobId: 'job_fake', runId, agentId: extra.agentId ?? agentId, expiresAt: extra.expiresAt ?? Date.now() + 60_000,
      script: { manifest, signature: signDocument(manifest, signer.privateKeyPem) }, params: {},
    });
  };
  const resultOf = async (runId: string): Promise<JobResultMessage> => {
    await fake.waitFor(() => fake.messages.some((m) => m.message.type === 'job.result' && m.message.runId === runId), `the result of ${runId}`);
    return fake.messages.find((m) => m.message.type === 'job.result' && m.message.runId === runId)!.message as JobResultMessage;
  };
  const startedFor = (runId: string) => fake.messages.some((m) => m.message.type === 'job.started' && m.message.runId === runId);

  it('runs a well-formed dispatch (the stand-in speaks the protocol)', async () => {
    dispatch('run_ok', `${touch('ok')}\necho ok`);
    expect(await resultOf('run_ok')).toMatchObject({ status: 'succeeded', stdout: 'ok\n' });
    expect(existsSync(marker('ok'))).toBe(true);
  });

  it('(f) refuses a dispatch addressed to another agent', async () => {
    dispatch('run_f', touch('f'), { agentId: 'agt_someone_else' });
    const result = await resultOf('run_f');
    expect(result).toMatchObject({ status: 'rejected', exitCode: null });
    expect(result.error).toBe(`dispatch is addressed to agent agt_someone_else, but this is agent ${agentId}`);
    expect(startedFor('run_f')).toBe(false);
    expect(existsSync(marker('f'))).toBe(false);
  });

  it('(g) refuses a dispatch past its expiry', async () => {
    const expiresAt = Date.now() - 1_000;
    dispatch('run_g', touch('g'), { expiresAt });
    const result = await resultOf('run_g');
    expect(result).toMatchObject({ status: 'rejected', exitCode: null });
    expect(result.error).toBe(`dispatch expired at ${new Date(expiresAt).toISOString()}`);
    expect(startedFor('run_g')).toBe(false);
    expect(existsSync(marker('g'))).toBe(false);
  });
});
