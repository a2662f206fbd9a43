/**
 * The audit log records who did what, from where: logins and failed logins, tokens created and
 * revoked, users created. Admins read it for their own tenants only; nobody can edit it, not even
 * with SQL on the database file.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../helpers/access-fixtures.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { enrollRaw } from '../helpers/raw-agent.js';
import { makeTempDir } from '../helpers/temp-dir.js';

interface WritableDb {
  prepare(sql: string): { run(...params: unknown[]): unknown; get(...params: unknown[]): unknown };
  close(): void;
}
const Database = createRequire(join(REPO_ROOT, 'collector', 'package.json'))('better-sqlite3') as new (file: string, options: { timeout: number; fileMustExist: boolean }) => WritableDb;

const PASSWORD = 'correct horse battery staple';

interface Entry { action: string; actorType: string; actorId: string | null; actorName: string; tenantId: string | null; targetType: string | null; targetId: string | null; after: any; sourceIp: string | null }

describe('the audit log', () => {
  const tmp = makeTempDir('audit-log');
  let collector: TestCollector;
  let api: ApiClient;
  let owner: string;
  const ids: Record<string, string> = {};
  const sessions: Record<string, string> = {};
  let revokedTokenId: string;

  const entries = async (query: string, token = owner): Promise<Entry[]> => {
    const res = await api('GET', `/api/v1/audit${query}`, { token });
    expect(res.status, res.text).toBe(200);
    return res.body.entries;
  };

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
    api = apiClient(collector.url);
    owner = collector.adminToken;
    for (const id of ['tenant-a', 'tenant-b']) expect((await api('POST', '/api/v1/tenants', { token: owner, body: { id } })).status).toBe(201);
    const users: Array<[string, string, string]> = [['anna', 'admin', 'tenant-a'], ['bert', 'admin', 'tenant-b'], ['tess', 'technician', 'tenant-a']];
    for (const [username, role, tenant] of users) {
      const res = await api('POST', '/api/v1/users', { token: owner, body: { username, password: PASSWORD, role, tenants: [tenant] } });
      expect(res.status, res.text).toBe(201);
      ids[username] = res.body.id;
      sessions[username] = (await api('POST', '/api/v1/auth/login', { body: { username, password: PASSWORD } })).body.token;
    }
    expect((await api('POST', '/api/v1/auth/login', { body: { username: 'mallory', password: 'letmein-letmein' } })).status).toBe(401);
    expect((await api('POST', '/api/v1/auth/login', { body: { username: 'tess', password: 'not her password' } })).status).toBe(401);
    const issued = await api('POST', '/api/v1/tokens', { token: sessions.anna, body: { name: 'backup job', scopes: ['agents:read'] } });
    expect(issued.status).toBe(201);
    revokedTokenId = issued.body.id;
    expect((await api('DELETE', `/api/v1/tokens/${revokedTokenId}`, { token: sessions.anna })).status).toBe(204);
  });
  afterAll(async () => {
    await collector?.stop();
    tmp.remove();
  });

  it('records user creation, logins, failed logins, and token creation and revocation, with actor and address', async () => {
    const created = await entries('?action=user.created');
    expect(created.map((e) => [e.targetId, e.tenantId, e.actorType, e.actorName])).toEqual([
      [ids.tess, 'tenant-a', 'token', 'admin'], [ids.bert, 'tenant-b', 'token', 'admin'], [ids.anna, 'tenant-a', 'token', 'admin'],
    ]);
    expect(created[0]!.after).toMatchObject({ username: 'tess', role: 'technician', tenants: ['tenant-a'] });
    expect(JSON.stringify(created)).not.toMatch(/scrypt|passwordHash|correct horse/);

    const logins = await entries(`?action=auth.login_succeeded&actor=${ids.anna}`);
    expect(logins).toEqual([expect.objectContaining({ actorType: 'user', actorName: 'anna', tenantId: 'tenant-a', targetType: 'token', sourceIp: '127.0.0.1' })]);

    const failures = await entries('?action=auth.login_failed');
    expect(failures.map((e) => [e.actorName, e.after, e.tenantId])).toEqual([
      ['tess', { reason: 'bad_password' }, null], ['mallory', { reason: 'unknown_user' }, null],
    ]);

    const tokenEntries = await entries('?action=token.');
    expect(tokenEntries.map((e) => [e.action, e.targetId, e.actorName, e.tenantId])).toEqual([
      ['token.revoked', revokedTokenId, 'anna', 'tenant-a'], ['token.created', revokedTokenId, 'anna', 'tenant-a'],
    ]);
    expect(tokenEntries[1]!.after).toMatchObject({ name: 'backup job', scopes: ['agents:read'] });
    expect(await entries(`?targetType=token&targetId=${revokedTokenId}&limit=1`)).toHaveLength(1);
  });

  it('records enrollment tokens, agent enrollment (the agent as actor) and revocation in the agent\'s tenant', async () => {
    const token = await api('POST', '/api/v1/enrollment-tokens', { token: sessions.anna, body: { tenant: 'tenant-a', site: 'hq' } });
    expect(token.status, token.text).toBe(201);
    const { agentId } = await enrollRaw(collector.url, token.body.token, 'audited-host');
    expect((await api('DELETE', `/api/v1/agents/${agentId}`, { token: sessions.anna })).status).toBe(204);

    const [created] = await entries('?action=enrollment_token.created');
    expect(created).toMatchObject({ actorName: 'anna', tenantId: 'tenant-a', targetId: token.body.id });
    const [enrolled] = await entries('?action=agent.enrolled');
    expect(enrolled).toMatchObject({ actorType: 'agent', actorId: agentId, actorName: 'audited-host', tenantId: 'tenant-a', targetId: agentId, sourceIp: '127.0.0.1' });
    expect(enrolled!.after).toMatchObject({ enrollmentTokenId: token.body.id, siteId: 'hq' });
    const [revoked] = await entries('?action=agent.revoked');
    expect(revoked).toMatchObject({ actorName: 'anna', actorId: ids.anna, tenantId: 'tenant-a', targetType: 'agent', targetId: agentId });
    // The token itself never reaches the log.
    expect(JSON.stringify(await entries(''))).not.toContain(token.body.token);
  });

  it('is refused to a technician', async () => {
    const res = await api('GET', '/api/v1/audit', { token: sessions.tess });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('shows an admin only their own tenant\'s entries', async () => {
    const annas = await entries('', sessions.anna);
    expect(annas.length).toBeGreaterThan(0);
    expect(new Set(annas.map((e) => e.tenantId))).toEqual(new Set(['tenant-a']));
    expect(annas.map((e) => e.targetId)).toEqual(expect.arrayContaining([ids.tess, ids.anna, revokedTokenId]));
    expect(annas.map((e) => e.targetId)).not.toContain(ids.bert);

    const berts = await entries('', sessions.bert);
    expect(new Set(berts.map((e) => e.tenantId))).toEqual(new Set(['tenant-b']));
    expect(berts.map((e) => e.targetId)).toContain(ids.bert);

    const foreign = await api('GET', '/api/v1/audit?tenant=tenant-b', { token: sessions.anna });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toBe('tenant tenant-b does not exist');
    expect((await entries('?tenant=tenant-b')).length).toBeGreaterThan(0);
  });

  it('cannot be edited or deleted, even with SQL on the database file', async () => {
    const before = await entries('?limit=10000');
    const db = new Database(join(collector.dataDir, 'vigil.db'), { timeout: 10_000, fileMustExist: true });
    try {
      expect(() => db.prepare("UPDATE audit_log SET actor_name = 'someone else'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_log WHERE action = ?').run('auth.login_failed')).toThrow(/append-only/);
      expect(db.prepare('SELECT COUNT(*) AS n FROM audit_log').get()).toEqual({ n: before.length });
    } finally {
      db.close();
    }
    expect(await entries('?limit=10000')).toEqual(before);
  });

  it('answers a malformed filter with a 400 naming it', async () => {
    const res = await api('GET', '/api/v1/audit?since=yesterday', { token: owner });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/since/);
  });
});
