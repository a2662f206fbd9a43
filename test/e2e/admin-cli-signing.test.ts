/**
 * Signed remediation from the administrator's side, with the `vigil` CLI alone against a real
 * collector and a real agent that runs only signed scripts: a signing key generated on this
 * machine, the tenant's trust document started with it before the agent enrolls (the agent pins
 * it then), a script with a typed parameter signed and run, a second key added to the trust and
 * a new version signed with it, a script signed by an untrusted key refused at upload, an
 * unsigned one refused by the agent, and a job of a script requiring approval that waits for
 * another user's approval.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentTrustFileSchema, generateSigningKeyPair, signDocument, type TrustDocument, type Job, type JobListItem, type JobRunPage, type JobSummary, type Script, type ScriptVersionSummary, type StoredTrust } from '@vigil/shared';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { runVigil, type VigilResult } from '../helpers/vigil-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const PASSWORD = 'correct horse battery staple';

interface WritableDb { prepare(sql: string): { run(...params: unknown[]): unknown }; close(): void }
const Database = createRequire(join(REPO_ROOT, 'collector', 'package.json'))('better-sqlite3') as new (file: string, options: { timeout: number; fileMustExist: boolean }) => WritableDb;

interface GeneratedKey {
  keyId: string;
  publicKey: string;
  privateKeyFile: string;
  publicKeyFile: string;
}

describe('the vigil CLI signs keys, trust and scripts that a real agent runs', () => {
  const tmp = makeTempDir('admin-cli-signing');
  const keysDir = join(tmp.path, 'keys');
  const agentState = join(tmp.path, 'agent');
  let collector: TestCollector;
  let agent: Child | undefined;
  let agentId: string;
  let alice: GeneratedKey;
  let bob: GeneratedKey;
  let scriptId: string;

  /** As the owner with the bootstrap token, the CLI's own config dir kept apart from the user's. */
  const vigil = (args: string[], stdin?: string): Promise<VigilResult> =>
    runVigil(args, { env: { VIGIL_CONFIG_DIR: join(tmp.path, 'config'), VIGIL_SERVER: collector.url, VIGIL_TOKEN: collector.adminToken }, ...(stdin === undefined ? {} : { stdin }) });
  const ok = (result: VigilResult): VigilResult => {
    expect(result.code, result.stderr).toBe(0);
    return result;
  };
  const json = <T>(result: VigilResult): T => JSON.parse(ok(result).stdout) as T;
  const pinnedTrustVersion = (): number => AgentTrustFileSchema.parse(JSON.parse(readFileSync(join(agentState, 'trust.json'), 'utf8'))).document.version;
  const script = (name: string, body: string): string => {
    const file = join(tmp.path, name);
    writeFileSync(file, body);
    return file;
  };

  beforeAll(async () => {
    collector = await startTestCollector(join(tmp.path, 'data'));
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('generates signing keys: the private key 0600 in a folder 0700, never overwritten', async () => {
    alice = json<GeneratedKey>(await vigil(['keys', 'generate', '--out', keysDir, '--name', 'alice', '--json']));
    expect(alice.keyId).toMatch(/^key_[A-Za-z0-9_-]{16}$/);
    if (process.platform !== 'win32') {
      expect(statSync(keysDir).mode & 0o777).toBe(0o700);
      expect(statSync(alice.privateKeyFile).mode & 0o777).toBe(0o600);
    }
    expect(readFileSync(alice.publicKeyFile, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);

    const human = ok(await vigil(['keys', 'generate', '--out', keysDir, '--name', 'bob']));
    expect(human.stdout).toMatch(/^key id:\s+key_\S+$/m);
    const bobPublic = json<{ keyId: string; publicKey: string; hasPrivateKey: boolean }>(await vigil(['keys', 'show', join(keysDir, 'bob.pub'), '--json']));
    expect(bobPublic.hasPrivateKey).toBe(false);
    expect(human.stdout).toContain(bobPublic.keyId);
    bob = { keyId: bobPublic.keyId, publicKey: bobPublic.publicKey, privateKeyFile: join(keysDir, 'bob.key'), publicKeyFile: join(keysDir, 'bob.pub') };
    expect(json<{ keyId: string; hasPrivateKey: boolean }>(await vigil(['keys', 'show', bob.privateKeyFile, '--json']))).toEqual({ keyId: bob.keyId, publicKey: bob.publicKey, hasPrivateKey: true });
    // The private key is never printed.
    const shown = ok(await vigil(['keys', 'show', join(keysDir, 'bob.key')]));
    expect(shown.stdout).not.toContain('PRIVATE KEY');
    expect(shown.stdout).not.toContain(readFileSync(join(keysDir, 'bob.key'), 'utf8').split('\n')[1]);

    const again = await vigil(['keys', 'generate', '--out', keysDir, '--name', 'alice']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/alice\.key already exists/);
    expect(json<{ keyId: string }>(await vigil(['keys', 'show', alice.privateKeyFile, '--json'])).keyId).toBe(alice.keyId);
  });

  it('starts the tenant\'s trust document with the key, then enrolls an agent that pins it', async () => {
    const token = await collector.enrollToken('acme', 'hq', ['--max-uses', '1']);
    expect((await vigil(['trust', 'show', '--tenant', 'acme'])).code).toBe(1);
    const init = ok(await vigil(['trust', 'init', '--tenant', 'acme', '--key', alice.privateKeyFile, '--name', 'Alice']));
    expect(init.stdout).toContain(`trust version 1 for acme, signed by ${alice.keyId}`);
    const stored = json<StoredTrust>(await vigil(['trust', 'show', '--tenant', 'acme', '--json']));
    expect(stored.document).toMatchObject({ tenant: 'acme', version: 1, keys: [{ keyId: alice.keyId, publicKey: alice.publicKey, name: 'Alice' }] });
    expect(stored.signature.keyId).toBe(alice.keyId);
    const twice = await vigil(['trust', 'init', '--tenant', 'acme', '--key', alice.privateKeyFile]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already has trust version 1/);

    agentId = await enrollAgent(collector.url, token, agentState);
    expect(pinnedTrustVersion()).toBe(1);
    agent = runAgent(agentState, '1s', { allowUnsigned: false });
    await waitFor('the agent online', async () => (await collector.api('GET', `/api/v1/agents/${agentId}`)).body.online === true);
  });

  it('adds a script with a typed parameter signed with the key, and runs it over the job stream', async () => {
    const added = ok(await vigil([
      'scripts', 'add', script('greet.sh', 'printf "hello %s\\n" "$1"\n'), '--name', 'Greet', '--shell', 'sh', '--os', 'linux',
      '--tenant', 'acme', '--param', 'who:string:required', '--expires', '30d', '--sign', alice.privateKeyFile,
    ]));
    scriptId = added.stdout.trim();
    expect(scriptId).toMatch(/^scr_\S+$/);
    expect(added.stderr).not.toMatch(/not signed/);
    const shown = json<Script>(await vigil(['scripts', 'show', 'Greet', '--json']));
    expect(shown).toMatchObject({ id: scriptId, version: 1, signature: { keyId: alice.keyId }, manifest: { tenant: 'acme', params: [{ name: 'who', type: 'string', required: true }] } });
    expect(shown.manifest.expiresAt).toBeGreaterThan(Date.now());
    const table = ok(await vigil(['scripts', 'show', scriptId]));
    expect(table.stdout).toMatch(new RegExp(`^signed by:\\s+${alice.keyId}$`, 'm'));
    expect(table.stdout).toMatch(new RegExp(`^digest:\\s+${shown.digest}$`, 'm'));
    expect(table.stdout).toMatch(/^params:\s+who:string:required$/m);

    const ran = await vigil(['run', 'Greet', '--tenant', 'acme', '--param', 'who=signed world', '--wait']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(new RegExp(`^${agentId}\\s+succeeded\\s+0\\s+\\S+\\s+hello signed world$`, 'm'));
    expect(ran.stderr).toMatch(/Greet v1 on 1 agent/);
    // Followed over the live stream, not by polling.
    expect(ran.stderr).not.toMatch(/live progress unavailable/);

    // A value the signed declaration refuses never leaves the CLI.
    const missing = await vigil(['run', 'Greet', '--tenant', 'acme']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/parameter who is required/);
  });

  it('trusts a second key signed by the first, and runs a new version signed with it', async () => {
    const added = ok(await vigil(['trust', 'add', '--tenant', 'acme', '--pub', bob.publicKeyFile, '--name', 'Bob', '--sign', alice.privateKeyFile]));
    expect(added.stdout).toContain('trust version 2 for acme');
    expect(json<StoredTrust>(await vigil(['trust', 'show', '--tenant', 'acme', '--json'])).document.keys.map((k) => k.keyId)).toEqual([alice.keyId, bob.keyId]);
    // A key that is not trusted cannot vouch for a change.
    const stranger = json<GeneratedKey>(await vigil(['keys', 'generate', '--out', keysDir, '--name', 'stranger', '--json']));
    const refused = await vigil(['trust', 'add', '--tenant', 'acme', '--pub', stranger.publicKeyFile, '--name', 'Stranger', '--sign', stranger.privateKeyFile]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${stranger.keyId} is not trusted in version 2 for acme`);
    await waitFor('the agent to pin trust version 2', () => pinnedTrustVersion() === 2);

    const updated = ok(await vigil(['scripts', 'update', scriptId, script('greet2.sh', 'printf "v2 hello %s\\n" "$1"\n'), '--sign', bob.privateKeyFile]));
    expect(updated.stdout).toBe(`script ${scriptId} version 2, signed by ${bob.keyId}\n`);
    const versions = json<ScriptVersionSummary[]>(await vigil(['scripts', 'versions', scriptId, '--json']));
    expect(versions.map((v) => [v.version, v.signer])).toEqual([[1, alice.keyId], [2, bob.keyId]]);
    // What update did not change is kept from version 1.
    expect(json<Script>(await vigil(['scripts', 'show', scriptId, '--json'])).manifest).toMatchObject({ version: 2, params: [{ name: 'who' }], os: ['linux'], tenant: 'acme' });

    const job = json<Job>(await vigil(['run', scriptId, '--agent', agentId, '--param', 'who=bob', '--wait', '--json']));
    expect(job).toMatchObject({ version: 2, status: 'finished', runs: [{ agentId, state: 'succeeded', stdout: 'v2 hello bob\n' }] });
    const old = json<Job>(await vigil(['run', scriptId, '--version', '1', '--agent', agentId, '--param', 'who=again', '--wait', '--json']));
    expect(old.runs[0]).toMatchObject({ state: 'succeeded', stdout: 'hello again\n' });

    const found = json<JobRunPage>(await vigil(['jobs', 'runs', job.id, '--q', 'v2 hello', '--json']));
    expect(found.runs.map((r) => r.agentId)).toEqual([agentId]);
    expect(json<JobRunPage>(await vigil(['jobs', 'runs', job.id, '--state', 'failed', '--json'])).total).toBe(0);
    // The list is summaries: counts per run state and the targets in brief, never the runs.
    const listed = json<JobListItem[]>(await vigil(['jobs', 'ls', '--status', 'finished', '--json'])).find((j) => j.id === job.id);
    expect(listed).toMatchObject({ targets: { agentIdCount: 1 }, counts: { succeeded: 1 } });
    expect(listed).not.toHaveProperty('runs');
    const table = ok(await vigil(['jobs', 'ls', '--status', 'finished'])).stdout.split('\n');
    expect(table[0]).toMatch(/^ID\s+SCRIPT\s+VERSION\s+STATUS\s+RUNS\s+TENANT\s+TARGETS\s+BY\s+CREATED$/);
    expect(table.find((line) => line.startsWith(job.id))).toMatch(/\s1 succeeded\s+acme\s+agents=1\s/);
  });

  it('refuses at upload a script signed by a key the tenant does not trust, naming the key', async () => {
    const mallory = json<GeneratedKey>(await vigil(['keys', 'generate', '--out', keysDir, '--name', 'mallory', '--json']));
    const refused = await vigil(['scripts', 'add', script('evil.sh', 'echo evil\n'), '--name', 'Evil', '--shell', 'sh', '--tenant', 'acme', '--sign', mallory.privateKeyFile]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(mallory.keyId);
    expect(refused.stderr).toMatch(/\(HTTP 400 unknown_signer\)/);
    expect(json<Script[]>(await vigil(['scripts', 'ls', '--json'])).map((s) => s.name)).not.toContain('Evil');
  });

  it('warns that an unsigned script runs only in development mode, and the agent refuses it', async () => {
    const added = ok(await vigil(['scripts', 'add', script('plain.sh', 'echo plain\n'), '--name', 'Plain', '--shell', 'sh', '--tenant', 'acme']));
    expect(added.stderr).toMatch(/warning: the script is not signed: agents run it only in development mode/);
    const ran = await vigil(['run', 'Plain', '--agent', agentId, '--wait']);
    expect(ran.code).toBe(1);
    expect(ran.stdout).toMatch(new RegExp(`^${agentId}\\s+rejected\\s+.*not signed`, 'm'));
  });

  it('waits for another user to approve a job of a script that requires approval', async () => {
    ok(await vigil(['users', 'add', 'approver', '--role', 'owner', '--password-stdin'], `${PASSWORD}\n`));
    const approverConfig = { VIGIL_CONFIG_DIR: join(tmp.path, 'approver-config') };
    ok(await runVigil(['login', '--server', collector.url, '--username', 'approver', '--password-stdin'], { env: approverConfig, stdin: `${PASSWORD}\n` }));

    ok(await vigil(['scripts', 'add', script('gated.sh', 'echo approved run\n'), '--name', 'Gated', '--shell', 'sh', '--tenant', 'acme', '--requires-approval', '--sign', bob.privateKeyFile]));
    const waiting = vigil(['run', 'Gated', '--tenant', 'acme', '--wait']);
    const pending = await waitFor('the job awaiting approval', async () => {
      const listed = JSON.parse((await vigil(['approvals', 'ls', '--json'])).stdout) as JobSummary[];
      return listed.find((j) => j.scriptName === 'Gated');
    });
    expect(pending).toMatchObject({ status: 'awaiting_approval', targets: { tenant: 'acme' } });
    // The one who asked cannot approve.
    const self = await vigil(['jobs', 'approve', pending.id]);
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/HTTP 403/);
    const approved = ok(await runVigil(['jobs', 'approve', pending.id, '--comment', 'change 42'], { env: approverConfig }));
    expect(approved.stdout).toMatch(new RegExp(`^job ${pending.id} approved`));

    const ran = await waiting;
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toMatch(/awaits approval/);
    expect(ran.stderr).toMatch(new RegExp(`job ${pending.id} approved`));
    expect(ran.stdout).toMatch(new RegExp(`^${agentId}\\s+succeeded\\s+0\\s+\\S+\\s+approved run$`, 'm'));
  });

  it('removes a key, signed by a key that stays, and never the last one', async () => {
    const removed = ok(await vigil(['trust', 'remove', '--tenant', 'acme', '--key-id', alice.keyId, '--sign', bob.privateKeyFile]));
    expect(removed.stdout).toContain(`trust version 3 for acme, signed by ${bob.keyId}: ${bob.keyId} (Bob)`);
    const last = await vigil(['trust', 'remove', '--tenant', 'acme', '--key-id', bob.keyId, '--sign', bob.privateKeyFile]);
    expect(last.code).toBe(2);
    expect(last.stderr).toMatch(/only trusted key for acme/);
    await waitFor('the agent to pin trust version 3', () => pinnedTrustVersion() === 3);
  });

  it('will not sign a change on top of a trust document the collector forged', async () => {
    // A compromised collector serves version 4 with a key of its own, signed by that key.
    const intruder = generateSigningKeyPair();
    const current = json<StoredTrust>(await vigil(['trust', 'show', '--tenant', 'acme', '--json']));
    const forged: TrustDocument = {
      ...current.document, version: current.document.version + 1, issuedAt: Date.now(),
      keys: [...current.document.keys, { keyId: intruder.keyId, publicKey: intruder.publicKey, name: 'Backup key' }],
    };
    const db = new Database(join(tmp.path, 'data', 'vigil.db'), { timeout: 5000, fileMustExist: true });
    try {
      db.prepare('INSERT INTO trust_documents (tenant_id, version, document, signature, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run('acme', forged.version, JSON.stringify(forged), JSON.stringify(signDocument(forged, intruder.privateKeyPem)), 'intruder', Date.now());
    } finally {
      db.close();
    }
    // The collector reads trust documents once at start; restarted on the same port, it serves the forgery.
    const port = new URL(collector.url).port;
    await collector.stop();
    collector = await startTestCollector(join(tmp.path, 'data'), ['--port', port]);
    expect(json<StoredTrust>(await vigil(['trust', 'show', '--tenant', 'acme', '--json'])).document.version).toBe(forged.version);
    const carol = json<GeneratedKey>(await vigil(['keys', 'generate', '--out', keysDir, '--name', 'carol', '--json']));
    const refused = await vigil(['trust', 'add', '--tenant', 'acme', '--pub', carol.publicKeyFile, '--name', 'Carol', '--sign', bob.privateKeyFile]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/does not follow from version 3 this CLI saw/);
    // Nor does the agent, which the restarted collector offers the forgery as it reconnects.
    await waitFor('the agent to refuse the forged trust document', () => {
      const status = JSON.parse(readFileSync(join(agentState, 'status.json'), 'utf8')) as { lastTrustRefusal: { version: number; reason: string } | null };
      return status.lastTrustRefusal?.version === forged.version ? status.lastTrustRefusal : undefined;
    }, 30_000);
    expect(pinnedTrustVersion()).toBe(3);
  });
});
