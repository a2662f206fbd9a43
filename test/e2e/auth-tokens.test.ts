/**
 * Personal API tokens act for their user with at most the scopes they were given, expire, and
 * stop at once when revoked. Users are managed within one's tenants and never above one's role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { apiClient, type ApiClient } from '../helpers/access-fixtures.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const PASSWORD = 'correct horse battery staple';

describe('personal API tokens and user management', () => {
  const tmp = makeTempDir('auth-tokens');
  let collector: TestCollector;
  let api: ApiClient;
  let owner: string;
  /** username → user id, and username → session token. */
  const ids: Record<string, string> = {};
  const sessions: Record<string, string> = {};

  const createUser = async (username: string, role: string, tenants: string[], token = owner) => {
    const res = await api('POST', '/api/v1/users', { token, body: { username, password: PASSWORD, role, tenants } });
    expect(res.status, res.text).toBe(201);
    ids[username] = res.body.id;
  };
  const logIn = async (username: string, password = PASSWORD) => {
    const res = await api('POST', '/api/v1/auth/login', { body: { username, password } });
    expect(res.status, res.text).toBe(200);
    sessions[username] = res.body.token;
    return res.body.token as string;
  };
  const mint = async (session: string, body: Record<string, unknown>) => {
    const res = await api('POST', '/api/v1/tokens', { token: session, body });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; token: string; scopes: string[]; expiresAt: number; createdAt: number };
  };

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
    api = apiClient(collector.url);
    owner = collector.adminToken;
    for (const id of ['acme', 'globex']) expect((await api('POST', '/api/v1/tenants', { token: owner, body: { id } })).status).toBe(201);
    await createUser('ada', 'admin', ['acme']);
    await createUser('tina', 'technician', ['acme']);
    await createUser('gil', 'admin', ['globex']);
    for (const username of ['ada', 'tina', 'gil']) await logIn(username);
  });
  afterAll(async () => {
    await collector?.stop();
    tmp.remove();
  });

  it('a token scoped to alerts:read reads alerts but cannot write rules, where its user could', async () => {
    const issued = await mint(sessions.ada!, { name: 'wallboard', scopes: ['alerts:read'], expiresIn: '30d' });
    expect(issued).toMatchObject({ kind: 'api', name: 'wallboard', userId: ids.ada, scopes: ['alerts:read'], token: expect.stringMatching(/^vgt_/) });
    expect(issued.expiresAt - issued.createdAt).toBe(30 * 86_400_000);

    const rule = { name: 'acme CPU', metric: 'cpu.usage_pct', op: '>', threshold: 90, priority: 'P3', scope: { tenant: 'acme' } };
    expect((await api('GET', '/api/v1/alerts', { token: issued.token })).status).toBe(200);
    const refused = await api('POST', '/api/v1/rules', { token: issued.token, body: rule });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await api('GET', '/api/v1/agents', { token: issued.token })).status).toBe(403);
    // The same request with the user's unscoped session goes through: the scope is what refused it.
    expect((await api('POST', '/api/v1/rules', { token: sessions.ada, body: rule })).status).toBe(201);
    // Whatever its scopes, a token may ask who it is and end itself.
    const me = await api('GET', '/api/v1/auth/me', { token: issued.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ tokenId: issued.id, role: 'admin', permissions: ['alerts:read'] });
    expect((await api('POST', '/api/v1/auth/logout', { token: issued.token })).status).toBe(204);
    expect((await api('GET', '/api/v1/alerts', { token: issued.token })).status).toBe(401);
  });

  it('never grants a token more than the caller may do', async () => {
    const beyondRole = await api('POST', '/api/v1/tokens', { token: sessions.tina, body: { name: 'x', scopes: ['rules:write'] } });
    expect(beyondRole.status).toBe(403);
    expect(beyondRole.body.error.message).toMatch(/rules:write/);
    const narrowed = await mint(sessions.tina!, { name: 'minter', scopes: ['tokens:write', 'alerts:read'] });
    expect((await api('POST', '/api/v1/tokens', { token: narrowed.token, body: { name: 'wider' } })).status).toBe(403);
    expect((await api('POST', '/api/v1/tokens', { token: narrowed.token, body: { name: 'wider', scopes: ['alerts:act'] } })).status).toBe(403);
    expect((await mint(narrowed.token, { name: 'narrower', scopes: ['alerts:read'] })).scopes).toEqual(['alerts:read']);

    const tooLong = await api('POST', '/api/v1/tokens', { token: sessions.tina, body: { name: 'forever', expiresIn: '366d' } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toMatch(/expiresIn/);
    const bootstrap = await api('POST', '/api/v1/tokens', { token: owner, body: { name: 'x' } });
    expect(bootstrap.status).toBe(400);
  });

  it('refuses a token once it has expired', async () => {
    const issued = await mint(sessions.tina!, { name: 'brief', expiresIn: '1s' });
    const refused = await waitFor('the token to lapse', async () => {
      const res = await api('GET', '/api/v1/alerts', { token: issued.token });
      return res.status === 401 ? res : undefined;
    });
    expect(refused.body.error.message).toMatch(/expired/);
  });

  it('stops a revoked token on the very next request and closes its live alert stream', async () => {
    const issued = await mint(sessions.tina!, { name: 'noc screen', scopes: ['alerts:read'] });
    expect((await api('GET', '/api/v1/alerts', { token: issued.token })).status).toBe(200);
    const ws = new WebSocket(`${collector.wsUrl}/api/v1/alerts/stream?token=${encodeURIComponent(issued.token)}`);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    await new Promise<void>((resolve, reject) => { ws.once('message', () => resolve()); ws.once('error', reject); });

    expect((await api('DELETE', `/api/v1/tokens/${issued.id}`, { token: sessions.tina })).status).toBe(204);
    const after = await api('GET', '/api/v1/alerts', { token: issued.token });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/revoked/);
    expect(await closed).toEqual({ code: 4401, reason: 'token revoked' });
    expect((await api('DELETE', `/api/v1/tokens/${issued.id}`, { token: sessions.tina })).status).toBe(404);
  });

  it('lists a user\'s live tokens without secrets; another user\'s only to who manages that user', async () => {
    const mine = await api('GET', '/api/v1/tokens', { token: sessions.tina });
    expect(mine.status).toBe(200);
    const tokens = mine.body.tokens as Array<Record<string, unknown>>;
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) {
      expect(token).toMatchObject({ userId: ids.tina, revokedAt: null });
      expect(token).not.toHaveProperty('token');
    }
    expect(tokens.map((t) => t.kind)).toEqual(expect.arrayContaining(['session', 'api']));
    expect(tokens.map((t) => t.name)).not.toContain('noc screen');

    expect((await api('GET', `/api/v1/tokens?user=${ids.tina}`, { token: sessions.ada })).body.tokens).toHaveLength(tokens.length);
    expect((await api('GET', `/api/v1/tokens?user=${ids.tina}`, { token: sessions.gil })).status).toBe(404);
    expect((await api('GET', `/api/v1/tokens?user=${ids.ada}`, { token: sessions.tina })).status).toBe(404);
  });

  it('lets an admin revoke tokens of their tenant\'s users, and nobody else\'s', async () => {
    const tinas = await mint(sessions.tina!, { name: 'laptop' });
    const adas = await mint(sessions.ada!, { name: 'laptop' });
    expect((await api('DELETE', `/api/v1/tokens/${tinas.id}`, { token: sessions.gil })).status).toBe(404);
    expect((await api('DELETE', `/api/v1/tokens/${adas.id}`, { token: sessions.tina })).status).toBe(404);
    expect((await api('DELETE', `/api/v1/tokens/${tinas.id}`, { token: sessions.ada })).status).toBe(204);
    expect((await api('GET', '/api/v1/alerts', { token: tinas.token })).status).toBe(401);
    expect((await api('GET', '/api/v1/alerts', { token: adas.token })).status).toBe(200);
  });

  it('keeps user management within the admin\'s tenants and never above their role', async () => {
    const ada = sessions.ada!;
    const asOwner = await api('POST', '/api/v1/users', { token: ada, body: { username: 'boss', password: PASSWORD, role: 'owner' } });
    expect(asOwner.status).toBe(403);
    const elsewhere = await api('POST', '/api/v1/users', { token: ada, body: { username: 'spy', password: PASSWORD, role: 'viewer', tenants: ['globex'] } });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.message).toBe('tenant globex does not exist');
    await createUser('vic', 'viewer', ['acme'], ada);
    const taken = await api('POST', '/api/v1/users', { token: ada, body: { username: 'vic', password: PASSWORD, role: 'viewer', tenants: ['acme'] } });
    expect(taken.status).toBe(409);

    const listed = (await api('GET', '/api/v1/users', { token: ada })).body.users.map((u: { username: string }) => u.username);
    expect(listed.sort()).toEqual(['ada', 'tina', 'vic']);
    expect((await api('GET', `/api/v1/users/${ids.gil}`, { token: ada })).status).toBe(404);
    expect((await api('PATCH', `/api/v1/users/${ids.gil}`, { token: ada, body: { displayName: 'Gil' } })).status).toBe(404);
    expect((await api('PATCH', `/api/v1/users/${ids.tina}`, { token: ada, body: { role: 'owner' } })).status).toBe(403);
    expect((await api('PATCH', `/api/v1/users/${ids.tina}`, { token: ada, body: { tenants: ['acme', 'globex'] } })).status).toBe(404);
    const renamed = await api('PATCH', `/api/v1/users/${ids.tina}`, { token: ada, body: { displayName: 'Tina T.' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ displayName: 'Tina T.', role: 'technician', tenants: ['acme'] });
    expect((await api('DELETE', `/api/v1/users/${ids.ada}`, { token: ada })).status).toBe(409);
    expect((await api('GET', '/api/v1/users', { token: sessions.tina })).status).toBe(403);
  });

  it('ends a user\'s sessions when their password changes, but not their API tokens', async () => {
    const session = await logIn('vic');
    const script = await mint(session, { name: 'script' });
    const changed = await api('PATCH', `/api/v1/users/${ids.vic}`, { token: sessions.ada, body: { password: 'a brand new passphrase' } });
    expect(changed.status, changed.text).toBe(200);
    expect((await api('GET', '/api/v1/auth/me', { token: session })).status).toBe(401);
    expect((await api('GET', '/api/v1/auth/me', { token: script.token })).status).toBe(200);
    expect((await api('POST', '/api/v1/auth/login', { body: { username: 'vic', password: PASSWORD } })).status).toBe(401);
    await logIn('vic', 'a brand new passphrase');
    const entry = (await api('GET', `/api/v1/audit?action=user.updated&targetId=${ids.vic}`, { token: sessions.ada })).body.entries[0];
    expect(entry.after).toMatchObject({ passwordChanged: true });
    expect(JSON.stringify(entry)).not.toMatch(/scrypt|passphrase/);
  });
});
