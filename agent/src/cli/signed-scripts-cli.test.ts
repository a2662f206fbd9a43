import { createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentRuntimeStatusSchema, AgentTrustFileSchema, FrameSchema, generateSigningKeyPair, type JobResultMessage } from '@vigil/shared';
import { CliChildren, assertBuilt, cli, until } from '../testing/cli-harness.js';
import { FakeCollector } from '../testing/fake-collector.js';
import { dispatchOf, manifest, signScript, signedTrust, testTenant, trustDocument } from '../testing/signed-scripts.js';

const TOKEN = 'enroll-token-0123456789abcdef';
const tenant = testTenant('acme');
const children = new CliChildren();

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-signed-cli-'));
  dirs.push(dir);
  return dir;
};

let fake: FakeCollector;
beforeAll(async () => {
  assertBuilt();
  fake = await FakeCollector.start({ tokens: [TOKEN], heartbeatSec: 1, trust: tenant.trust });
});
afterEach(() => {
  children.stopAll();
  fake.enrollTrust = tenant.trust;
});
afterAll(async () => {
  await fake.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const pubFile = (dir: string, name: string, spki: string) => {
  const file = join(dir, `${name}.pub`);
  writeFileSync(file, createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }));
  return file;
};
const readTrust = (state: string) => AgentTrustFileSchema.parse(JSON.parse(readFileSync(join(state, 'trust.json'), 'utf8')));
const readStatus = (state: string) => (existsSync(join(state, 'status.json')) ? AgentRuntimeStatusSchema.parse(JSON.parse(readFileSync(join(state, 'status.json'), 'utf8'))) : null);

async function enroll(extra: string[] = []): Promise<{ state: string; agentId: string; stderr: string }> {
  const state = join(tempDir(), 'state');
  const { code, stdout, stderr } = await cli(['enroll', '--allow-plaintext', '--server', fake.url, '--token', TOKEN, '--state', state, ...extra]);
  if (code !== 0) throw new Error(`enroll failed (${code}): ${stderr}`);
  return { state, agentId: stdout.trim(), stderr };
}

const resultOf = (runId: string) => fake.messages.find((m) => m.message.type === 'job.result' && m.message.runId === runId)?.message as JobResultMessage | undefined;

describe('vigil-agent enroll: pinning script-signing keys', () => {
  it("pins the tenant's trust document from the enrollment answer, and shows it in status", async () => {
    const { state, stderr } = await enroll();
    expect(readTrust(state)).toMatchObject({ source: 'enrollment', signature: tenant.trust.signature, document: tenant.trust.document });
    expect(stderr).toContain(`pinned trust document version 1: ${tenant.key.keyId} (key 1)`);
    const human = await cli(['status', '--state', state]);
    expect(human.stdout).toMatch(new RegExp(`^script trust\\s+version 1, pinned at enrollment \\S+: ${tenant.key.keyId} \\(key 1\\)$`, 'm'));
    const json = JSON.parse((await cli(['status', '--state', state, '--json'])).stdout);
    expect(json.trust).toMatchObject({ version: 1, source: 'enrollment', keys: [{ keyId: tenant.key.keyId, name: 'key 1' }] });
  });

  it('with --trust-key, pins the collector\'s document only if that key signed it', async () => {
    const keys = tempDir();
    const same = await enroll(['--trust-key', pubFile(keys, 'alice', tenant.key.publicKey)]);
    expect(readTrust(same.state)).toMatchObject({ source: 'enrollment', document: { version: 1 } });

    const other = generateSigningKeyPair();
    const pinned = await enroll(['--trust-key', pubFile(keys, 'bob', other.publicKey)]);
    expect(pinned.stderr).toMatch(/warning: not pinning the collector's trust document: .*which is not trusted in version 0/);
    expect(readTrust(pinned.state)).toMatchObject({ source: 'local', signature: null, document: { version: 0, tenant: 'acme', keys: [{ keyId: other.keyId, name: 'bob' }] } });
    expect((await cli(['status', '--state', pinned.state])).stdout).toMatch(/^script trust\s+local key, pinned by hand with --trust-key/m);
  });

  it('refuses a private key for --trust-key before enrolling', async () => {
    const dir = tempDir();
    const file = join(dir, 'alice.key');
    writeFileSync(file, generateSigningKeyPair().privateKeyPem);
    const before = fake.agents.size;
    const { code, stderr } = await cli(['enroll', '--allow-plaintext', '--server', fake.url, '--token', TOKEN, '--state', join(dir, 'state'), '--trust-key', file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/holds a private key; give the public key/);
    expect(stderr).not.toContain('BEGIN');
    expect(fake.agents.size).toBe(before);
  });

  it('pins nothing when the tenant has no trust document, and enrolling again replaces the pin', async () => {
    const { state } = await enroll();
    expect(existsSync(join(state, 'trust.json'))).toBe(true);
    fake.enrollTrust = null;
    const again = await cli(['enroll', '--allow-plaintext', '--server', fake.url, '--token', TOKEN, '--state', state, '--force']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/no script-signing keys pinned/);
    expect(existsSync(join(state, 'trust.json'))).toBe(false);
    expect((await cli(['status', '--state', state])).stdout).toMatch(/^script trust\s+none pinned/m);
  });
});

describe('vigil-agent run: signed scripts', () => {
  it('announces its pin, takes a newer trust document signed by a pinned key, refuses a forged one and records why', async () => {
    const { state, agentId } = await enroll();
    const agent = children.start(['run', '--state', state, '--interval', '1s']);
    await fake.waitFor(() => fake.messages.some((m) => m.agentId === agentId && m.message.type === 'hello'), 'the hello');
    expect(fake.messages.find((m) => m.agentId === agentId && m.message.type === 'hello')!.message).toMatchObject({ trustVersion: 1 });

    const added = generateSigningKeyPair();
    fake.send({ type: 'trust.update', trust: signedTrust(trustDocument('acme', [tenant.key, added], 2), tenant.key) });
    await until(() => readTrust(state).document.version === 2, 'version 2 to be pinned');
    expect(readTrust(state).source).toBe('collector');

    const intruder = generateSigningKeyPair();
    fake.send({ type: 'trust.update', trust: signedTrust(trustDocument('acme', [intruder], 3), intruder) });
    await until(() => readStatus(state)?.lastTrustRefusal != null, 'the refusal in status.json');
    expect(readStatus(state)!.lastTrustRefusal).toMatchObject({ version: 3, reason: expect.stringMatching(new RegExp(`signed by ${intruder.keyId}, which is not trusted in version 2`)) });
    expect(readTrust(state).document.version).toBe(2);
    expect(agent.stderr()).toMatch(/refused a trust document from the collector/);
    expect((await cli(['status', '--state', state])).stdout).toMatch(/^trust refused\s+version 3 at \S+: trust document is signed by/m);
  });

  it('runs a signed script once, even when the same dispatch comes again after a restart', async () => {
    const { state, agentId } = await enroll();
    const marker = join(tempDir(), 'count');
    const dispatch = dispatchOf('run_once', signScript(manifest(`echo run >> "${marker}"; echo done`), tenant.key), { agentId });
    let agent = children.start(['run', '--state', state, '--interval', '1s']);
    await fake.waitFor(() => fake.connected && fake.messages.some((m) => m.agentId === agentId && m.message.type === 'hello'), 'the agent');
    fake.send(dispatch);
    await fake.waitFor(() => resultOf('run_once') !== undefined, 'the result');
    expect(resultOf('run_once')).toMatchObject({ status: 'succeeded', stdout: 'done\n' });
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);

    const resultsBefore = fake.messages.filter((m) => m.message.type === 'job.result').length;
    const hellosBefore = fake.messages.filter((m) => m.message.type === 'hello').length;
    agent = children.start(['run', '--state', state, '--interval', '1s']);
    await fake.waitFor(() => fake.messages.filter((m) => m.message.type === 'hello').length > hellosBefore && fake.connected, 'the restarted agent');
    fake.send(dispatch);
    await fake.waitFor(() => fake.messages.filter((m) => m.message.type === 'job.result').length > resultsBefore, 'the repeated answer');
    expect(fake.messages.filter((m) => m.message.type === 'job.result').at(-1)!.message).toMatchObject({ runId: 'run_once', status: 'succeeded', stdout: 'done\n' });
    expect(readFileSync(marker, 'utf8')).toBe('run\n');
  });
});

describe('vigil-agent run --allow-unsigned', () => {
  it('refuses to start unless the collector is on a loopback address', async () => {
    const { state } = await enroll();
    const file = join(state, 'agent.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), server: 'http://vigil.example.com:8080' }));
    const { code, stderr } = await cli(['run', '--state', state, '--allow-unsigned']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^vigil-agent: --allow-unsigned .*http:\/\/vigil\.example\.com:8080 is not on a loopback address/);
  });

  it('warns loudly and runs unsigned scripts from a loopback collector', async () => {
    const { state, agentId } = await enroll();
    const agent = children.start(['run', '--state', state, '--interval', '1s', '--allow-unsigned']);
    await fake.waitFor(() => fake.connected && fake.messages.some((m) => m.agentId === agentId && m.message.type === 'hello'), 'the agent');
    expect(agent.stderr()).toMatch(/WARNING: DEVELOPMENT MODE/);
    fake.send(dispatchOf('run_dev', signScript(manifest('echo dev'), null), { agentId }));
    await fake.waitFor(() => resultOf('run_dev') !== undefined, 'the result');
    expect(resultOf('run_dev')).toMatchObject({ status: 'succeeded', stdout: 'dev\n' });
    await until(() => /running an UNSIGNED script/.test(agent.stderr()), 'the warning for the unsigned run');
  });
});

describe('custom metrics from --textfile-dir', () => {
  it('puts the samples of *.prom files in the frame', async () => {
    const dir = join(tempDir(), 'textfile');
    mkdirSync(dir);
    writeFileSync(join(dir, 'backup.prom'), '# TYPE backup_ok gauge\nbackup_ok{job="nightly"} 1\n');
    const { code, stdout } = await cli(['collect', '--once', '--only', 'textfile', '--textfile-dir', dir]);
    expect(code).toBe(0);
    const frame = FrameSchema.parse(JSON.parse(stdout));
    expect(frame.samples).toEqual([{ metric: 'custom.backup_ok', value: 1, labels: { job: 'nightly' } }]);
    expect(frame.sources).toMatchObject([{ source: 'textfile', status: 'ok' }]);
  });
});
