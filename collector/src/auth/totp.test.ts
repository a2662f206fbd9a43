import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { acceptTotpCode, newTotpSecret, totpStep, totpUri } from './totp.js';

/** The SHA-1 key of RFC 6238 appendix B, "12345678901234567890", in base32. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** RFC 6238 appendix B (SHA-1): the 8-digit values' last six digits are the 6-digit codes. */
const RFC_VECTORS: Array<[seconds: number, code: string]> = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
];

const codeAt = (secret: string, at: number) =>
  new OTPAuth.TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: at });

describe('TOTP', () => {
  it('accepts the RFC 6238 test vectors at their instants', () => {
    for (const [seconds, code] of RFC_VECTORS) {
      expect(acceptTotpCode(RFC_SECRET, code, null, seconds * 1000)).toBe(totpStep(seconds * 1000));
    }
  });

  it('allows one step of clock drift either way and no more', () => {
    const secret = newTotpSecret();
    const now = 1_700_000_015_000;
    const step = totpStep(now);
    expect(acceptTotpCode(secret, codeAt(secret, now - 30_000), null, now)).toBe(step - 1);
    expect(acceptTotpCode(secret, codeAt(secret, now + 30_000), null, now)).toBe(step + 1);
    expect(acceptTotpCode(secret, codeAt(secret, now - 60_000), null, now)).toBeNull();
    expect(acceptTotpCode(secret, codeAt(secret, now + 60_000), null, now)).toBeNull();
  });

  it('refuses a code whose step is not later than the last one accepted', () => {
    const secret = newTotpSecret();
    const now = 1_700_000_015_000;
    const code = codeAt(secret, now);
    const step = acceptTotpCode(secret, code, null, now)!;
    expect(acceptTotpCode(secret, code, step, now)).toBeNull();
    expect(acceptTotpCode(secret, code, step, now + 20_000)).toBeNull();
    expect(acceptTotpCode(secret, codeAt(secret, now - 30_000), step, now)).toBeNull();
    expect(acceptTotpCode(secret, codeAt(secret, now + 30_000), step, now + 30_000)).toBe(step + 1);
  });

  it('refuses wrong and malformed codes', () => {
    const secret = newTotpSecret();
    const now = 1_700_000_015_000;
    const right = codeAt(secret, now);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    expect(acceptTotpCode(secret, wrong, null, now)).toBeNull();
    for (const code of ['', '12345', '1234567', 'abcdef', ` ${right}`]) expect(acceptTotpCode(secret, code, null, now)).toBeNull();
  });

  it('makes 160-bit base32 secrets and an otpauth URI for authenticator apps', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(totpUri(secret, 'alice'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Vigil:alice');
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({ secret, issuer: 'Vigil', algorithm: 'SHA1', digits: '6', period: '30' });
  });
});
