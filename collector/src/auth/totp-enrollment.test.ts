import * as OTPAuth from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditAction } from '../audit/audit-log.js';
import { openTempStore } from '../testing/temp-store.js';
import { confirmTotpEnrollment, disableTotp, startTotpEnrollment } from './totp-enrollment.js';

const codeAt = (secret: string, at: number) =>
  new OTPAuth.TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: at });

describe('TOTP enrollment of one\'s own account', () => {
  let temp: ReturnType<typeof openTempStore>;
  let t: number;
  let entries: AuditAction[];
  const deps = () => ({ store: temp.store, now: () => t });
  const record = (entry: AuditAction) => entries.push(entry);

  beforeEach(() => {
    temp = openTempStore();
    t = 1_700_000_000_000;
    entries = [];
    temp.store.users.insert({ id: 'usr_1', username: 'alice', displayName: 'Alice', passwordHash: 'x', role: 'viewer', tenants: ['acme'], createdAt: t });
  });
  afterEach(() => temp.cleanup());

  it('keeps the secret pending until a code proves the app has it, then turns TOTP on', () => {
    const { secret, uri } = startTotpEnrollment(deps(), 'usr_1');
    expect(uri).toContain(`secret=${secret}`);
    expect(temp.store.users.get('usr_1')).toMatchObject({ totpSecret: secret, totpEnabled: false });
    const wrong = String((Number(codeAt(secret, t)) + 1) % 1_000_000).padStart(6, '0');
    expect(() => confirmTotpEnrollment(deps(), 'usr_1', wrong, record)).toThrow(expect.objectContaining({ statusCode: 400, code: 'invalid_totp' }));
    confirmTotpEnrollment(deps(), 'usr_1', codeAt(secret, t), record);
    expect(temp.store.users.get('usr_1')).toMatchObject({ totpEnabled: true });
    expect(entries).toEqual([{ action: 'auth.totp_enabled', tenantId: 'acme', target: { type: 'user', id: 'usr_1' } }]);
    expect(() => startTotpEnrollment(deps(), 'usr_1')).toThrow(expect.objectContaining({ statusCode: 409 }));
  });

  it('needs an enrollment under way to confirm one', () => {
    expect(() => confirmTotpEnrollment(deps(), 'usr_1', '123456', record)).toThrow(/no TOTP enrollment under way/);
  });

  it('turns TOTP off only with a fresh code: not the one used to turn it on', () => {
    const { secret } = startTotpEnrollment(deps(), 'usr_1');
    const code = codeAt(secret, t);
    confirmTotpEnrollment(deps(), 'usr_1', code, record);
    expect(() => disableTotp(deps(), 'usr_1', code, record)).toThrow(expect.objectContaining({ code: 'invalid_totp' }));
    t += 30_000;
    disableTotp(deps(), 'usr_1', codeAt(secret, t), record);
    expect(temp.store.users.get('usr_1')).toMatchObject({ totpSecret: null, totpEnabled: false, totpLastStep: null });
    expect(entries.map((e) => e.action)).toEqual(['auth.totp_enabled', 'auth.totp_disabled']);
    expect(() => disableTotp(deps(), 'usr_1', codeAt(secret, t + 30_000), record)).toThrow(/TOTP is not on/);
  });
});
