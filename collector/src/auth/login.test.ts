import * as OTPAuth from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit-log.js';
import type { Store } from '../store/index.js';
import { openTempStore } from '../testing/temp-store.js';
import { hashSecret } from './secrets.js';
import { login } from './login.js';
import { confirmTotpEnrollment, startTotpEnrollment } from './totp-enrollment.js';
import { createUser } from './user-service.js';

const PASSWORD = 'a long enough password';
const codeAt = (secret: string, at: number) =>
  new OTPAuth.TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: at });

describe('login', () => {
  let temp: ReturnType<typeof openTempStore>;
  let store: Store;
  let t: number;
  let deps: { store: Store; audit: AuditLog; now: () => number };
  let userId: string;

  beforeEach(async () => {
    temp = openTempStore();
    store = temp.store;
    t = 1_700_000_000_000;
    const now = () => t;
    deps = { store, audit: new AuditLog(store, now), now };
    store.tenants.createTenant('acme', 'Acme', t);
    const audit = (entry: Parameters<AuditLog['recordAs']>[1]) => deps.audit.recordAs({ type: 'system', id: null, name: 'test', sourceIp: null }, entry);
    userId = (await createUser({ store, now }, { username: 'alice', password: PASSWORD, role: 'technician', tenants: ['acme'] }, { role: 'owner', userId: null }, audit)).id;
  });
  afterEach(() => temp.cleanup());

  const attempt = (password: string, totp?: string, username = 'alice') => login(deps, { username, password, ...(totp ? { totp } : {}) }, '192.0.2.7');
  const failures = () => store.audit.query({ action: 'auth.login_failed', limit: 100 }, null).map((e) => (e.after as { reason: string }).reason);

  it('issues a 12-hour session token for the right password, stored only as a hash, and audits it', async () => {
    const result = await attempt(PASSWORD);
    if (!result.ok) throw new Error(result.reason);
    expect(result.session).toMatchObject({ kind: 'session', userId, name: 'session alice', scopes: ['*'], expiresAt: t + 12 * 3_600_000 });
    expect(result.session.token).toMatch(/^vgt_/);
    expect(store.tokens.findApiTokenByHash(hashSecret(result.session.token))?.id).toBe(result.session.id);
    expect(result.user).toMatchObject({ id: userId, username: 'alice' });
    expect(result.user).not.toHaveProperty('passwordHash');
    const [entry] = store.audit.query({ action: 'auth.login_succeeded', limit: 10 }, null);
    expect(entry).toMatchObject({ actorType: 'user', actorId: userId, actorName: 'alice', tenantId: 'acme', targetType: 'token', targetId: result.session.id, sourceIp: '192.0.2.7' });
  });

  it('refuses a wrong password, an unknown user and a disabled user, and audits each reason MSP-wide', async () => {
    expect(await attempt('not the password')).toEqual({ ok: false, reason: 'bad_password' });
    expect(await attempt(PASSWORD, undefined, 'mallory')).toEqual({ ok: false, reason: 'unknown_user' });
    store.users.update(userId, { disabledAt: t }, t);
    expect(await attempt(PASSWORD)).toEqual({ ok: false, reason: 'disabled' });
    expect(failures()).toEqual(['disabled', 'unknown_user', 'bad_password']);
    const entries = store.audit.query({ action: 'auth.login_failed', limit: 10 }, null);
    expect(entries.map((e) => [e.actorName, e.tenantId])).toEqual([['alice', null], ['mallory', null], ['alice', null]]);
  });

  it('locks the account for 15 minutes at the fifth failure, refusing even the right password, then lets it in', async () => {
    for (let i = 0; i < 5; i++) expect(await attempt(`wrong password ${i}`)).toEqual({ ok: false, reason: 'bad_password' });
    const locked = store.audit.query({ action: 'auth.locked', limit: 10 }, null);
    expect(locked).toHaveLength(1);
    expect(locked[0]).toMatchObject({ tenantId: 'acme', targetId: userId, after: { failedLogins: 5, lockedUntil: t + 900_000 } });
    t += 60_000;
    expect(await attempt(PASSWORD)).toEqual({ ok: false, reason: 'locked', lockedUntil: t - 60_000 + 900_000 });
    t += 840_000;
    expect((await attempt(PASSWORD)).ok).toBe(true);
    expect(store.users.get(userId)).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it('counts concurrent failures one by one', async () => {
    await Promise.all(Array.from({ length: 5 }, (_, i) => attempt(`wrong password ${i}`)));
    expect(store.users.get(userId)).toMatchObject({ failedLogins: 5, lockedUntil: t + 900_000 });
  });

  it('asks for the TOTP code once it is on, refuses a wrong or replayed code, and counts wrong codes as failures', async () => {
    const { secret } = startTotpEnrollment(deps, userId);
    // Still pending: a password alone logs in.
    expect((await attempt(PASSWORD)).ok).toBe(true);
    confirmTotpEnrollment(deps, userId, codeAt(secret, t), () => {});
    t += 30_000;
    expect(await attempt(PASSWORD)).toEqual({ ok: false, reason: 'totp_required' });
    expect(await attempt('not the password', codeAt(secret, t))).toEqual({ ok: false, reason: 'bad_password' });
    const code = codeAt(secret, t);
    expect((await attempt(PASSWORD, code)).ok).toBe(true);
    expect(await attempt(PASSWORD, code)).toEqual({ ok: false, reason: 'invalid_totp' });
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(await attempt(PASSWORD, wrong)).toEqual({ ok: false, reason: 'invalid_totp' });
    expect(store.users.get(userId)?.failedLogins).toBe(2);
    t += 30_000;
    expect((await attempt(PASSWORD, codeAt(secret, t))).ok).toBe(true);
  });
});
