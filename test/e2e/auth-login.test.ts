/**
 * Users log in with a password (and a TOTP code once they turn it on) for a 12-hour session
 * token. Wrong passwords lock an account for 15 minutes after five in a row; logins are limited
 * per address. Each block has a collector of its own: the login limit counts every attempt from
 * loopback, and the blocks together make more than ten.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, totpCode, type ApiClient } from '../helpers/access-fixtures.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { COLLECTOR_BIN } from '../helpers/paths.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const PASSWORD = 'correct horse battery staple';
const INVALID_CREDENTIALS = { error: { code: 'invalid_credentials', message: 'invalid username or password' } };

interface World { collector: TestCollector; api: ApiClient; owner: string; users: Record<string, string> }

/** A collector with tenant acme and these users of it (username → role). */
async function startWorld(dataDir: string, users: Record<string, string>): Promise<World> {
  const collector = await startTestCollector(dataDir);
  const api = apiClient(collector.url);
  const owner = collector.adminToken;
  expect((await api('POST', '/api/v1/tenants', { token: owner, body: { id: 'acme' } })).status).toBe(201);
  const ids: Record<string, string> = {};
  for (const [username, role] of Object.entries(users)) {
    const created = await api('POST', '/api/v1/users', { token: owner, body: { username, password: PASSWORD, role, tenants: ['acme'] } });
    expect(created.status, created.text).toBe(201);
    ids[username] = created.body.id;
  }
  return { collector, api, owner, users: ids };
}

const login = (api: ApiClient, username: string, password = PASSWORD, totp?: string) =>
  api('POST', '/api/v1/auth/login', { body: { username, password, ...(totp === undefined ? {} : { totp }) } });

/** `vigil-collector <args>` with `input` on stdin. */
function runCollectorCli(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [COLLECTOR_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000, killSignal: 'SIGKILL' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('password login and sessions', () => {
  const tmp = makeTempDir('auth-login');
  let world: World;

  beforeAll(async () => {
    world = await startWorld(`${tmp.path}/data`, { alice: 'technician', bob: 'viewer' });
  });
  afterAll(async () => {
    await world?.collector.stop();
    tmp.remove();
  });

  it('answers the right password with a 12-hour session token that works as a Bearer token', async () => {
    const { api } = world;
    const res = await login(api, 'alice');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      kind: 'session', name: 'session alice', userId: world.users.alice, scopes: ['*'], revokedAt: null,
      token: expect.stringMatching(/^vgt_/),
      user: { id: world.users.alice, username: 'alice', role: 'technician', tenants: ['acme'], totpEnabled: false, disabledAt: null },
    });
    expect(res.body.expiresAt - res.body.createdAt).toBe(12 * 3_600_000);
    expect(res.body.user).not.toHaveProperty('passwordHash');

    const me = await api('GET', '/api/v1/auth/me', { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { id: world.users.alice }, tokenId: res.body.id, role: 'technician', tenants: ['acme'] });
    expect(me.body.permissions).toContain('alerts:act');
    expect(me.body.permissions).not.toContain('rules:write');
    expect((await api('GET', '/api/v1/alerts', { token: res.body.token })).status).toBe(200);
  });

  it('answers a wrong password and an unknown user alike, so the answer does not tell who exists', async () => {
    const wrong = await login(world.api, 'alice', 'not the password at all');
    const unknown = await login(world.api, 'nobody', PASSWORD);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body).toEqual(INVALID_CREDENTIALS);
    expect(unknown.body).toEqual(INVALID_CREDENTIALS);
    const malformed = await world.api('POST', '/api/v1/auth/login', { body: { username: 'alice' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/password/);
  });

  it('refuses a disabled user, whose sessions stop working at once', async () => {
    const { api } = world;
    const session = (await login(api, 'bob')).body.token as string;
    expect((await api('GET', '/api/v1/auth/me', { token: session })).status).toBe(200);
    expect((await api('DELETE', `/api/v1/users/${world.users.bob}`, { token: world.owner })).status).toBe(204);
    const after = await api('GET', '/api/v1/auth/me', { token: session });
    expect(after.status).toBe(401);
    const again = await login(api, 'bob');
    expect(again.status).toBe(401);
    expect(again.body).toEqual(INVALID_CREDENTIALS);
    expect((await api('GET', `/api/v1/users/${world.users.bob}`, { token: world.owner })).body.disabledAt).toEqual(expect.any(Number));
  });

  it('ends the session at logout', async () => {
    const { api } = world;
    const session = (await login(api, 'alice')).body.token as string;
    expect((await api('GET', '/api/v1/auth/me', { token: session })).status).toBe(200);
    expect((await api('POST', '/api/v1/auth/logout', { token: session })).status).toBe(204);
    const after = await api('GET', '/api/v1/auth/me', { token: session });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/revoked/);
    const logout = await api('GET', '/api/v1/audit?action=auth.logout', { token: world.owner });
    expect(logout.body.entries[0]).toMatchObject({ actorId: world.users.alice, actorName: 'alice', tenantId: 'acme', targetType: 'token' });
  });

  it('creates a user offline with `vigil-collector user create`, the password read from stdin', async () => {
    const dataDir = world.collector.dataDir;
    const created = await runCollectorCli(['user', 'create', '--username', 'Olga', '--role', 'owner', '--password-stdin', '--data', dataDir], `${PASSWORD}\n`);
    expect(created.code, created.stderr).toBe(0);
    const userId = created.stdout.trim();
    expect(userId).toMatch(/^usr_\S+$/);
    const res = await login(world.api, 'olga');
    expect(res.status, res.text).toBe(200);
    expect(res.body.user).toMatchObject({ id: userId, role: 'owner', tenants: ['*'] });
    const audit = await world.api('GET', `/api/v1/audit?action=user.created&targetId=${userId}`, { token: world.owner });
    expect(audit.body.entries).toEqual([expect.objectContaining({ actorType: 'system', actorName: 'vigil-collector', tenantId: null })]);

    const noTenant = await runCollectorCli(['user', 'create', '--username', 'ted', '--role', 'admin', '--password-stdin', '--data', dataDir], PASSWORD);
    expect(noTenant.code).toBe(2);
    expect(noTenant.stderr).toMatch(/tenants/);
    const noStdin = await runCollectorCli(['user', 'create', '--username', 'ted', '--role', 'owner', '--data', dataDir], PASSWORD);
    expect(noStdin.code).toBe(2);
    expect(noStdin.stderr).toMatch(/--password-stdin/);
    const taken = await runCollectorCli(['user', 'create', '--username', 'olga', '--role', 'owner', '--password-stdin', '--data', dataDir], PASSWORD);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/username olga is taken/);
  });
});

describe('TOTP', () => {
  const tmp = makeTempDir('auth-totp');
  let world: World;

  beforeAll(async () => {
    world = await startWorld(`${tmp.path}/data`, { tom: 'technician' });
  });
  afterAll(async () => {
    await world?.collector.stop();
    tmp.remove();
  });

  it('enrolls an authenticator, then asks for its code at login and refuses wrong and replayed codes', async () => {
    const { api } = world;
    const session = (await login(api, 'tom')).body.token as string;
    const started = await api('POST', '/api/v1/auth/totp', { token: session });
    expect(started.status).toBe(200);
    const { secret, uri } = started.body as { secret: string; uri: string };
    expect(uri).toMatch(/^otpauth:\/\/totp\/Vigil:tom\?/);
    expect(new URL(uri).searchParams.get('secret')).toBe(secret);

    const wrongConfirm = await api('POST', '/api/v1/auth/totp/confirm', { token: session, body: { code: totpCode(uri, 10) } });
    expect(wrongConfirm.status).toBe(400);
    expect(wrongConfirm.body.error.code).toBe('invalid_totp');
    expect((await api('GET', '/api/v1/auth/me', { token: session })).body.user.totpEnabled).toBe(false);
    expect((await api('POST', '/api/v1/auth/totp/confirm', { token: session, body: { code: totpCode(uri) } })).status).toBe(204);
    expect((await api('GET', '/api/v1/auth/me', { token: session })).body.user.totpEnabled).toBe(true);

    const withoutCode = await login(api, 'tom');
    expect(withoutCode.status).toBe(401);
    expect(withoutCode.body.error.code).toBe('totp_required');
    const wrongCode = await login(api, 'tom', PASSWORD, totpCode(uri, 10));
    expect(wrongCode.status).toBe(401);
    expect(wrongCode.body.error.code).toBe('invalid_totp');
    // The next step's code: later than the one that turned TOTP on, within the allowed drift.
    const code = totpCode(uri, 1);
    const withCode = await login(api, 'tom', PASSWORD, code);
    expect(withCode.status, withCode.text).toBe(200);
    const replayed = await login(api, 'tom', PASSWORD, code);
    expect(replayed.status).toBe(401);
    expect(replayed.body.error.code).toBe('invalid_totp');

    const enabled = await api('GET', '/api/v1/audit?action=auth.totp_enabled', { token: world.owner });
    expect(enabled.body.entries).toEqual([expect.objectContaining({ actorId: world.users.tom, targetId: world.users.tom, tenantId: 'acme' })]);
  });

  it('lets an admin reset the TOTP of a user who lost their authenticator', async () => {
    const { api } = world;
    expect((await api('DELETE', `/api/v1/users/${world.users.tom}/totp`, { token: world.owner })).status).toBe(204);
    expect((await api('GET', `/api/v1/users/${world.users.tom}`, { token: world.owner })).body.totpEnabled).toBe(false);
    expect((await login(api, 'tom')).status).toBe(200);
    const reset = await api('GET', '/api/v1/audit?action=user.totp_reset', { token: world.owner });
    expect(reset.body.entries).toEqual([expect.objectContaining({ targetId: world.users.tom, tenantId: 'acme' })]);
  });
});

describe('lockout', () => {
  const tmp = makeTempDir('auth-lockout');
  let world: World;
  let admin: string;

  beforeAll(async () => {
    world = await startWorld(`${tmp.path}/data`, { lou: 'technician', ada: 'admin' });
    admin = (await login(world.api, 'ada')).body.token;
  });
  afterAll(async () => {
    await world?.collector.stop();
    tmp.remove();
  });

  it('locks an account after five failures in a row, refuses even the right password, and an admin\'s unlock lets the user in', async () => {
    const { api } = world;
    for (let i = 0; i < 5; i++) {
      const res = await login(api, 'lou', `wrong password number ${i}`);
      expect(res.body).toEqual(INVALID_CREDENTIALS);
    }
    // fetch, not the client: the Retry-After header matters here.
    const locked = await fetch(`${world.collector.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'lou', password: PASSWORD }),
    });
    expect(locked.status).toBe(423);
    expect(await locked.json()).toMatchObject({ error: { code: 'account_locked' } });
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    const user = await api('GET', `/api/v1/users/${world.users.lou}`, { token: admin });
    expect(user.body.lockedUntil).toEqual(expect.any(Number));
    const lockEntry = await api('GET', '/api/v1/audit?action=auth.locked', { token: admin });
    expect(lockEntry.body.entries).toEqual([expect.objectContaining({ targetId: world.users.lou, tenantId: 'acme' })]);

    expect((await api('POST', `/api/v1/users/${world.users.lou}/unlock`, { token: admin })).status).toBe(204);
    const unlocked = await login(api, 'lou');
    expect(unlocked.status, unlocked.text).toBe(200);
    expect(unlocked.body.user.lockedUntil).toBeNull();
    const unlockEntry = await api('GET', '/api/v1/audit?action=user.unlocked', { token: admin });
    expect(unlockEntry.body.entries).toEqual([expect.objectContaining({ actorName: 'ada', targetId: world.users.lou })]);
  });
});

describe('login rate limit', () => {
  const tmp = makeTempDir('auth-ratelimit');
  let collector: TestCollector;

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
  });
  afterAll(async () => {
    await collector?.stop();
    tmp.remove();
  });

  it('answers the 11th login from one address within a minute with 429 rate_limited', async () => {
    const api = apiClient(collector.url);
    for (let i = 0; i < 10; i++) expect((await login(api, `guess${i}`)).status).toBe(401);
    const limited = await login(api, 'guess10');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    // Other routes are not limited by it.
    expect((await api('GET', '/api/v1/auth/me', { token: collector.adminToken })).status).toBe(200);
  });
});

describe('changing one\'s own password', () => {
  const tmp = makeTempDir('auth-password');
  let world: World;

  beforeAll(async () => {
    world = await startWorld(`${tmp.path}/data`, { vera: 'viewer' });
  });
  afterAll(async () => {
    await world?.collector.stop();
    tmp.remove();
  });

  it('needs the current password, keeps the asking session, ends the others, and is audited', async () => {
    const { api } = world;
    const asking = (await login(api, 'vera')).body.token as string;
    const other = (await login(api, 'vera')).body.token as string;
    const change = (currentPassword: string, newPassword: string) =>
      api('POST', '/api/v1/auth/password', { token: asking, body: { currentPassword, newPassword } });

    const wrong = await change('not my password at all', 'a brand new passphrase');
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect((await change(PASSWORD, 'short')).status).toBe(400);
    expect((await change(PASSWORD, 'a brand new passphrase')).status).toBe(204);

    expect((await api('GET', '/api/v1/auth/me', { token: asking })).status).toBe(200);
    expect((await api('GET', '/api/v1/auth/me', { token: other })).status).toBe(401);
    expect((await login(api, 'vera')).status).toBe(401);
    expect((await login(api, 'vera', 'a brand new passphrase')).status).toBe(200);
    const audit = await api('GET', '/api/v1/audit?action=user.password_changed', { token: world.owner });
    expect(audit.body.entries[0]).toMatchObject({ actorName: 'vera', targetId: world.users.vera, tenantId: 'acme', after: { endedSessions: 1 } });
    expect(JSON.stringify(audit.body.entries)).not.toContain('brand new');
  });

  it('is refused to the user-less bootstrap token', async () => {
    const res = await world.api('POST', '/api/v1/auth/password', { token: world.owner, body: { currentPassword: 'x', newPassword: 'a brand new passphrase' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('no_user');
  });
});
