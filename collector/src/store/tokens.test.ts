import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEnrollmentToken } from '../auth/enrollment-tokens.js';
import { hashSecret } from '../auth/secrets.js';
import { openTempStore } from '../testing/temp-store.js';

describe('enrollment tokens', () => {
  let temp: ReturnType<typeof openTempStore>;
  beforeEach(() => { temp = openTempStore(); });
  afterEach(() => temp.cleanup());

  const create = (maxUses: number | null, expiresInMs = 60_000) =>
    createEnrollmentToken(temp.store, { tenant: 'acme', site: 'hq', tags: ['server'], expiresInMs, maxUses }, 1_000);

  it('stores only the hash, creates the tenant and site, and binds them to the token', () => {
    const created = create(null);
    expect(created.token).toMatch(/^vge_[A-Za-z0-9_-]{43}$/);
    const raw = JSON.stringify(temp.store.db.prepare('SELECT * FROM enrollment_tokens').all());
    expect(raw).not.toContain(created.token);
    expect(raw).toContain(hashSecret(created.token));
    expect(temp.store.tenants.getSite('acme', 'hq')).toBeDefined();
    const use = temp.store.tokens.useEnrollmentToken(hashSecret(created.token), 2_000);
    expect(use).toMatchObject({ ok: true, token: { tenantId: 'acme', siteId: 'hq', tags: ['server'], uses: 1 } });
  });

  it('refuses unknown, expired and used-up tokens with the reason', () => {
    expect(temp.store.tokens.useEnrollmentToken(hashSecret('vge_nope'), 2_000)).toEqual({ ok: false, reason: 'unknown' });
    const expiring = create(null, 500);
    expect(temp.store.tokens.useEnrollmentToken(hashSecret(expiring.token), 1_500)).toEqual({ ok: false, reason: 'expired' });
    const twice = create(2);
    expect(temp.store.tokens.useEnrollmentToken(hashSecret(twice.token), 2_000).ok).toBe(true);
    expect(temp.store.tokens.useEnrollmentToken(hashSecret(twice.token), 2_000).ok).toBe(true);
    expect(temp.store.tokens.useEnrollmentToken(hashSecret(twice.token), 2_000)).toEqual({ ok: false, reason: 'exhausted' });
  });
});
