import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEnrollmentToken } from '../auth/enrollment-tokens.js';
import { hashSecret } from '../auth/secrets.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import type { EnrollmentTokenRow } from './tokens.js';

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
    expect(temp.store.tokens.useEnrollmentToken(hashSecret(expiring.token), 1_500)).toEqual({ ok: false, reason: 'expired', expiresAt: 1_500 });
    const twice = create(2);
    expect(temp.store.tokens.useEnrollmentToken(hashSecret(twice.token), 2_000).ok).toBe(true);
    expect(temp.store.tokens.useEnrollmentToken(hashSecret(twice.token), 2_000).ok).toBe(true);
    expect(temp.store.tokens.useEnrollmentToken(hashSecret(twice.token), 2_000)).toEqual({ ok: false, reason: 'exhausted' });
  });

  describe('redeeming a token for an agent', () => {
    const enrollAs = (id: string) => (token: EnrollmentTokenRow) => temp.store.agents.insert({
      id, tenantId: token.tenantId, siteId: token.siteId, hostname: `${id}-host`,
      os: { platform: 'linux', distro: 'debian', release: '12', arch: 'x64' }, agentVersion: '1.0.0',
      tags: token.tags, publicKey: 'unused-in-store-tests', enrolledAt: 2_000,
    });

    it('leaves the use uncounted when the agent cannot be stored, so a single-use token still enrolls one', () => {
      const single = create(1);
      const hash = hashSecret(single.token);
      seedAgent(temp.store, 'agt_taken');
      // The insert fails on the primary key after the use was counted in the same transaction.
      expect(() => temp.store.tokens.redeemEnrollmentToken(hash, 2_000, enrollAs('agt_taken'))).toThrow(/UNIQUE constraint failed: agents.id/);
      expect(temp.store.tokens.getEnrollmentToken(single.id)?.uses).toBe(0);

      const redeemed = temp.store.tokens.redeemEnrollmentToken(hash, 2_000, enrollAs('agt_new'));
      expect(redeemed).toMatchObject({ ok: true, token: { id: single.id, uses: 1 } });
      expect(temp.store.agents.get('agt_new')).toMatchObject({ tenantId: 'acme', siteId: 'hq', tags: ['server'] });
      expect(temp.store.tokens.getEnrollmentToken(single.id)?.uses).toBe(1);
    });

    it('enrolls nothing with a refused token', () => {
      const single = create(1);
      const hash = hashSecret(single.token);
      expect(temp.store.tokens.redeemEnrollmentToken(hash, 2_000, enrollAs('agt_first')).ok).toBe(true);
      expect(temp.store.tokens.redeemEnrollmentToken(hash, 2_000, enrollAs('agt_second'))).toEqual({ ok: false, reason: 'exhausted' });
      expect(temp.store.tokens.redeemEnrollmentToken(hashSecret(create(null, 500).token), 1_500, enrollAs('agt_late')))
        .toEqual({ ok: false, reason: 'expired', expiresAt: 1_500 });
      expect(temp.store.agents.get('agt_second')).toBeUndefined();
      expect(temp.store.agents.get('agt_late')).toBeUndefined();
      expect(temp.store.tokens.getEnrollmentToken(single.id)?.uses).toBe(1);
    });
  });
});
