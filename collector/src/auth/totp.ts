import * as OTPAuth from 'otpauth';

/** RFC 6238 with the parameters every authenticator app understands. */
export const TOTP_PERIOD_S = 30;
const ISSUER = 'Vigil';

function totpFor(secret: string, label: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_S, secret: OTPAuth.Secret.fromBase32(secret) });
}

/** A fresh 160-bit secret, base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app scans as a QR code. */
export function totpUri(secret: string, username: string): string {
  return totpFor(secret, username).toString();
}

/** The 30-second step `at` falls in. */
export function totpStep(at: number): number {
  return OTPAuth.TOTP.counter({ period: TOTP_PERIOD_S, timestamp: at });
}

/**
 * The step a code belongs to if it is valid at `now` (one step of clock drift either way), else
 * null. A code whose step is not later than `lastStep`, the last one accepted, is refused: a code
 * seen over a shoulder or in a log cannot be used again.
 */
export function acceptTotpCode(secret: string, code: string, lastStep: number | null, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secret, 'check').validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = totpStep(now) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}
