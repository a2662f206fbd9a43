/**
 * The admin CLI `vigil` against a real collector and a real agent on loopback: an owner created
 * with the bootstrap token logs in (the session stored 0600), then drives agents, alerts, scripts
 * and jobs, tenants, users, tokens and the audit log through the CLI alone, checking both its
 * human tables and its --json output, its exit codes and its error messages.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent, Alert, ApiToken, AuditEntry, Job, Script, User, WhoAmI } from '@vigil/shared';
import { commandPaths, createProgram } from '../../collector/src/admin-cli/program.js';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { runVigil, type VigilResult } from '../helpers/vigil-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const PASSWORD = 'correct horse battery staple';

/** RFC 6238 (SHA-1, 6 digits, 30 s), as authenticator apps compute it. */
function totpCode(base32Secret: string, at: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...base32Secret.replace(/=+$/, '').toUpperCase()].map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
const posixOnly = process.platform === 'win32' ? it.skip : it;

describe('the vigil admin CLI against a real collector and agent', () => {
  const tmp = makeTempDir('admin-cli');
  const configDir = join(tmp.path, 'config');
  let collector: TestCollector;
  let agent: Child;
  let agentId: string;

  /** Runs vigil with the test's config dir: the stored login is used unless --token is given. */
  const vigil = (args: string[], stdin?: string): Promise<VigilResult> => runVigil(args, { env: { VIGIL_CONFIG_DIR: configDir }, ...(stdin === undefined ? {} : { stdin }) });
  const json = <T>(result: VigilResult): T => {
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };

  beforeAll(async () => {
    collector = await startTestCollector(join(tmp.path, 'data'));
    const token = await collector.enrollToken('acme', 'hq', ['--tags', 'server', '--max-uses', '1']);
    agentId = await enrollAgent(collector.url, token, join(tmp.path, 'agent'));
    agent = runAgent(join(tmp.path, 'agent'), '1s');
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('creates an owner with the bootstrap token, then logs in as them and stores the session 0600', async () => {
    const added = await vigil(['users', 'add', 'admin2', '--role', 'owner', '--password-stdin', '--server', collector.url, '--token', collector.adminToken], `${PASSWORD}\n`);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout.trim()).toMatch(/^usr_\S+$/);

    const login = await vigil(['login', '--server', collector.url, '--username', 'admin2', '--password-stdin'], `${PASSWORD}\n`);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toMatch(/logged in to http:\/\/127\.0\.0\.1:\d+ as admin2 \(owner\)/);

    const file = join(configDir, 'credentials.json');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored).toMatchObject({ server: collector.url, username: 'admin2', kind: 'session', tokenId: expect.stringMatching(/^tok_/) });
    expect(stored.expiresAt).toBeGreaterThan(Date.now());
    // The secret never appears in what the CLI prints.
    expect(login.stdout + login.stderr).not.toContain(stored.token);
    if (process.platform !== 'win32') {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(configDir).mode & 0o777).toBe(0o700);
    }

    const me = json<WhoAmI>(await vigil(['whoami', '--json']));
    expect(me).toMatchObject({ user: { username: 'admin2' }, role: 'owner', tokenId: stored.tokenId });
  });

  it('refuses a wrong password with the API error and keeps the stored login', async () => {
    const before = readFileSync(join(configDir, 'credentials.json'), 'utf8');
    const failed = await vigil(['login', '--server', collector.url, '--username', 'admin2', '--password-stdin'], 'not the password\n');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^vigil: .+ \(HTTP 401 invalid_credentials\)$/m);
    expect(readFileSync(join(configDir, 'credentials.json'), 'utf8')).toBe(before);
  });

  it('lists agents as JSON, filtered like the API', async () => {
    await waitFor('the agent online', async () => (await collector.api('GET', `/api/v1/agents/${agentId}`)).body.online === true);
    const agents = json<Agent[]>(await vigil(['agents', 'ls', '--json']));
    expect(agents).toEqual(expect.arrayContaining([expect.objectContaining({ id: agentId, tenantId: 'acme', siteId: 'hq', tags: ['server'] })]));
    expect(json<Agent[]>(await vigil(['agents', 'ls', '--tenant', 'acme', '--tag', 'server', '--os', 'linux', '--json'])).map((a) => a.id)).toEqual([agentId]);
    expect(json<Agent[]>(await vigil(['agents', 'ls', '--tag', 'no-such-tag', '--json']))).toEqual([]);

    const table = await vigil(['agents', 'ls']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+HOSTNAME\s+TENANT\s+SITE\s+OS\s+PRESENCE\s+LAST SEEN\s+TAGS$/);
    expect(table.stdout).toMatch(new RegExp(`^${agentId}\\s+\\S+\\s+acme\\s+hq\\s+linux`, 'm'));

    const detail = json<{ id: string; sources: unknown[] }>(await vigil(['agents', 'show', agentId, '--json']));
    expect(detail.id).toBe(agentId);
    const missing = await vigil(['agents', 'show', 'agt_missing']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('vigil: agent agt_missing does not exist (HTTP 404 not_found)\n');
  });

  it('lists, acknowledges and resolves an alert raised by the real agent', async () => {
    // Any CPU usage is at least zero: the agent's next frame breaches this rule.
    const rule = await collector.api('POST', '/api/v1/rules', { name: 'CPU seen', metric: 'cpu.usage_pct', op: '>=', threshold: 0, priority: 'P3', forSamples: 1, scope: { tenant: 'acme' } });
    expect(rule.status).toBe(201);
    try {
      const alert = await waitFor('the alert listed by the CLI', async () => {
        const alerts = json<Alert[]>(await vigil(['alerts', 'ls', '--state', 'open', '--agent', agentId, '--json']));
        return alerts.find((a) => a.ruleId === rule.body.id);
      }, 30_000, 500);
      expect(alert).toMatchObject({ priority: 'P3', state: 'open', tenantId: 'acme', metric: 'cpu.usage_pct' });

      const listed = await vigil(['alerts', 'ls', '--priority', 'P3', '--tenant', 'acme']);
      expect(listed.stdout).toMatch(new RegExp(`^${alert.id}\\s+P3\\s+open\\s+`, 'm'));

      const acked = json<Alert>(await vigil(['alerts', 'ack', alert.id, '--comment', 'looking at it', '--expires', '2h', '--json']));
      expect(acked).toMatchObject({ id: alert.id, state: 'acknowledged', acknowledgedBy: 'admin2', comment: 'looking at it' });
      expect(acked.ackExpiresAt).toBeGreaterThan(acked.acknowledgedAt!);
      const again = await vigil(['alerts', 'ack', alert.id]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/\(HTTP 409 \w+\)\n$/);

      const resolved = await vigil(['alerts', 'resolve', alert.id, '--comment', 'fixed']);
      expect(resolved.code, resolved.stderr).toBe(0);
      expect(resolved.stdout).toBe(`alert ${alert.id} resolved by admin2\n`);
    } finally {
      await collector.api('DELETE', `/api/v1/rules/${rule.body.id}`);
    }
  });

  it('adds a script from a file and runs it on the real agent, waiting for the result', async () => {
    const file = join(tmp.path, 'greet.sh');
    writeFileSync(file, 'echo "hello from $1"\n');
    const added = await vigil(['scripts', 'add', file, '--name', 'Greet', '--shell', 'sh', '--os', 'linux', '--timeout', '30', '--arg', 'vigil']);
    expect(added.code, added.stderr).toBe(0);
    const scriptId = added.stdout.trim();
    expect(scriptId).toMatch(/^scr_\S+$/);
    expect(added.stderr).toMatch(/warning: the script is not signed: agents run it only in development mode/);
    expect(json<Script>(await vigil(['scripts', 'show', scriptId, '--json']))).toMatchObject({
      id: scriptId, name: 'Greet', version: 1, signature: null, shell: 'sh', timeoutSec: 30, os: ['linux'],
      manifest: { body: 'echo "hello from $1"\n', args: ['vigil'], timeoutSec: 30, os: ['linux'] },
    });
    expect(json<Script[]>(await vigil(['scripts', 'ls', '--json'])).map((s) => s.id)).toContain(scriptId);

    // By name, targets chosen by tenant and tag; not a terminal, so progress is one line per state change.
    const ran = await vigil(['run', 'Greet', '--tenant', 'acme', '--tag', 'server', '--wait']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout.split('\n')[0]).toMatch(/^AGENT\s+STATE\s+EXIT\s+DURATION\s+OUTPUT$/);
    expect(ran.stdout).toMatch(new RegExp(`^${agentId}\\s+succeeded\\s+0\\s+\\S+\\s+hello from vigil$`, 'm'));
    expect(ran.stderr).toContain(`${agentId} succeeded (exit 0)`);

    // By id, the agent named, the arguments of the unsigned script replaced, the Job as JSON.
    const job = json<Job>(await vigil(['run', scriptId, '--agent', agentId, '--arg', 'json', '--wait', '--json']));
    expect(job.runs).toHaveLength(1);
    expect(job.runs[0]).toMatchObject({ agentId, state: 'succeeded', exitCode: 0, stdout: 'hello from json\n' });

    // Without --wait: the job id alone; jobs show follows it.
    const started = await vigil(['run', scriptId, '--agent', agentId]);
    expect(started.code, started.stderr).toBe(0);
    const jobId = started.stdout.trim();
    expect(jobId).toMatch(/^job_\S+$/);
    const shown = await vigil(['jobs', 'show', jobId, '--wait']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/succeeded\s+0\s+\S+\s+hello from vigil/);
  });

  it('exits 1 when a run fails, and refuses selections that match nothing or nothing at all', async () => {
    const file = join(tmp.path, 'fail.sh');
    writeFileSync(file, 'echo "about to fail"\nexit 3\n');
    const scriptId = (await vigil(['scripts', 'add', file, '--name', 'Fail', '--shell', 'sh'])).stdout.trim();
    const failed = await vigil(['run', scriptId, '--agent', agentId, '--wait']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(new RegExp(`^${agentId}\\s+failed\\s+3\\s+\\S+\\s+about to fail$`, 'm'));

    const nothing = await vigil(['run', scriptId, '--tenant', 'acme', '--tag', 'no-such-tag']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toBe('vigil: no agent matches --tenant acme --tag no-such-tag: nothing was run\n');

    const noSelector = await vigil(['run', scriptId]);
    expect(noSelector.code).toBe(2);
    expect(noSelector.stderr).toMatch(/give at least one of --tenant, --site, --tag, --os or --agent/);

    const badOption = await vigil(['run', scriptId, '--agent', agentId, '--timeout', 'soon']);
    expect(badOption.code).toBe(2);
  });

  it('creates a scoped token that works, lists it, and revokes it so that it fails with 401', async () => {
    const created = await vigil(['tokens', 'create', 'ci', '--scopes', 'agents:read', '--expires', '30d']);
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).not.toBe('');
    expect(created.stdout).toBe(`${secret}\n`);
    expect(created.stderr).toMatch(/shown only once/);

    const token = json<ApiToken[]>(await vigil(['tokens', 'ls', '--json'])).find((t) => t.name === 'ci');
    expect(token).toMatchObject({ kind: 'api', scopes: ['agents:read'], revokedAt: null });
    expect((await vigil(['tokens', 'ls'])).stdout).toMatch(new RegExp(`^${token!.id}\\s+ci\\s+api\\s+agents:read\\s+active`, 'm'));

    // The token acts with its scopes only, whatever the stored login may do.
    expect(json<Agent[]>(await vigil(['agents', 'ls', '--json', '--token', secret])).map((a) => a.id)).toContain(agentId);
    const forbidden = await vigil(['alerts', 'ls', '--token', secret]);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/^vigil: .+ \(HTTP 403 forbidden\)\n$/);

    const revoked = await vigil(['tokens', 'revoke', token!.id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const refused = await vigil(['agents', 'ls', '--token', secret]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^vigil: .+ \(HTTP 401 unauthorized\)\n$/);
  });

  it('manages tenants, sites and users, and shows what was done in the audit log', async () => {
    expect((await vigil(['tenants', 'add', 'globex', '--name', 'Globex Corp'])).code).toBe(0);
    expect(json<Array<{ id: string; name: string }>>(await vigil(['tenants', 'ls', '--json']))).toEqual(expect.arrayContaining([{ id: 'globex', name: 'Globex Corp', createdAt: expect.any(Number) }]));
    expect((await vigil(['sites', 'add', 'branch', '--tenant', 'globex', '--name', 'Branch'])).code).toBe(0);
    expect(json<Array<{ tenantId: string; id: string }>>(await vigil(['sites', 'ls', '--tenant', 'globex', '--json'])).map((s) => s.id)).toEqual(['branch']);

    const tech = await vigil(['users', 'add', 'tech1', '--role', 'technician', '--tenants', 'globex', '--display-name', 'Tech One', '--password-stdin'], `${PASSWORD}\n`);
    expect(tech.code, tech.stderr).toBe(0);
    const techId = tech.stdout.trim();
    expect(json<User[]>(await vigil(['users', 'ls', '--json']))).toEqual(expect.arrayContaining([expect.objectContaining({ id: techId, username: 'tech1', role: 'technician', tenants: ['globex'] })]));
    const noTenants = await vigil(['users', 'add', 'tech2', '--role', 'technician', '--password-stdin'], `${PASSWORD}\n`);
    expect(noTenants.code).toBe(2);

    // By username: the CLI finds the id.
    expect((await vigil(['users', 'passwd', 'tech1', '--password-stdin'], 'another long password\n')).code).toBe(0);
    const techLogin = await runVigil(['login', '--server', collector.url, '--username', 'tech1', '--password-stdin'], { env: { VIGIL_CONFIG_DIR: join(tmp.path, 'tech-config') }, stdin: 'another long password\n' });
    expect(techLogin.code, techLogin.stderr).toBe(0);
    expect((await vigil(['users', 'unlock', 'tech1'])).code).toBe(0);
    expect((await vigil(['users', 'rm', techId])).code).toBe(0);
    expect(json<User[]>(await vigil(['users', 'ls', '--json'])).find((u) => u.id === techId)?.disabledAt).not.toBeNull();

    const removed = await vigil(['tenants', 'rm', 'globex']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(json<Array<{ id: string }>>(await vigil(['tenants', 'ls', '--json'])).map((t) => t.id)).not.toContain('globex');

    const entries = json<AuditEntry[]>(await vigil(['audit', 'ls', '--actor', 'admin2', '--since', '1h', '--json']));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.actorName === 'admin2')).toBe(true);
    expect(entries.some((e) => e.targetId === techId)).toBe(true);
    const table = await vigil(['audit', 'ls', '--limit', '5']);
    expect(table.stdout.split('\n')[0]).toMatch(/^AT\s+ACTOR\s+ACTION\s+TENANT\s+TARGET\s+SOURCE$/);
  });

  it('stores a given API token with login --token; logout forgets it without revoking it', async () => {
    const secret = (await vigil(['tokens', 'create', 'laptop', '--expires', '7d'])).stdout.trim();
    const otherConfig = { VIGIL_CONFIG_DIR: join(tmp.path, 'token-config') };
    const login = await runVigil(['login', '--server', collector.url, '--token', secret], { env: otherConfig });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toMatch(/as admin2 \(owner\) with an API token valid until /);
    const stored = JSON.parse(readFileSync(join(tmp.path, 'token-config', 'credentials.json'), 'utf8'));
    expect(stored).toMatchObject({ server: collector.url, username: 'admin2', kind: 'api', expiresAt: expect.any(Number) });
    expect(json<WhoAmI>(await runVigil(['whoami', '--json'], { env: otherConfig })).tokenId).toBe(stored.tokenId);

    const logout = await runVigil(['logout'], { env: otherConfig });
    expect(logout.code, logout.stderr).toBe(0);
    expect(logout.stdout).toMatch(/stays valid/);
    expect(json<WhoAmI>(await vigil(['whoami', '--json', '--token', secret])).tokenId).toBe(stored.tokenId);

    const wrong = await runVigil(['login', '--server', collector.url, '--token', 'not-a-token'], { env: otherConfig });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/\(HTTP 401 unauthorized\)/);
  });

  it('asks for the TOTP code of a user who turned it on', async () => {
    const otherConfig = { VIGIL_CONFIG_DIR: join(tmp.path, 'totp-config') };
    expect((await vigil(['users', 'add', 'otp-user', '--role', 'viewer', '--tenants', 'acme', '--password-stdin'], `${PASSWORD}\n`)).code).toBe(0);
    expect((await runVigil(['login', '--server', collector.url, '--username', 'otp-user', '--password-stdin'], { env: otherConfig, stdin: `${PASSWORD}\n` })).code).toBe(0);
    const session = JSON.parse(readFileSync(join(tmp.path, 'totp-config', 'credentials.json'), 'utf8')).token as string;
    const call = (path: string, body: unknown) => fetch(`${collector.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const { secret } = (await (await call('/api/v1/auth/totp', {})).json()) as { secret: string };
    // The previous step's code turns TOTP on, so the current one is still unused for the login.
    expect((await call('/api/v1/auth/totp/confirm', { code: totpCode(secret, Date.now() - 30_000) })).status).toBe(204);

    const withoutCode = await runVigil(['login', '--server', collector.url, '--username', 'otp-user', '--password-stdin'], { env: otherConfig, stdin: `${PASSWORD}\n` });
    expect(withoutCode.code).toBe(1);
    expect(withoutCode.stderr).toMatch(/\(HTTP 401 totp_required\)/);
    const withCode = await runVigil(['login', '--server', collector.url, '--username', 'otp-user', '--password-stdin', '--totp', totpCode(secret, Date.now())], { env: otherConfig, stdin: `${PASSWORD}\n` });
    expect(withCode.code, withCode.stderr).toBe(0);
    expect(withCode.stdout).toMatch(/as otp-user \(viewer\)/);
  });

  it('names the server it cannot reach', async () => {
    const unreachable = await vigil(['agents', 'ls', '--server', 'http://127.0.0.1:1', '--token', 'x']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^vigil: cannot reach http:\/\/127\.0\.0\.1:1/);
  });

  posixOnly('logs out: the session is revoked on the server and the stored login deleted', async () => {
    const stored = JSON.parse(readFileSync(join(configDir, 'credentials.json'), 'utf8'));
    const out = await vigil(['logout']);
    expect(out.code, out.stderr).toBe(0);
    expect(() => statSync(join(configDir, 'credentials.json'))).toThrow();
    const me = await fetch(`${collector.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${stored.token}` } });
    expect(me.status).toBe(401);
    const after = await vigil(['whoami', '--server', collector.url]);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/not logged in/);
  });

  it('prints usage and exits 0 for --help of every command', async () => {
    const paths = [[], ...commandPaths(createProgram())];
    const results: Array<{ path: string[]; result: VigilResult }> = [];
    // A few at a time: each is a separate node process.
    for (let i = 0; i < paths.length; i += 4) {
      const batch = paths.slice(i, i + 4);
      results.push(...(await Promise.all(batch.map(async (path) => ({ path, result: await vigil([...path, '--help']) })))));
    }
    for (const { path, result } of results) {
      const name = ['vigil', ...path].join(' ');
      expect(result.code, name).toBe(0);
      expect(result.stdout, name).toContain(`Usage: ${name}`);
    }
  });
});
