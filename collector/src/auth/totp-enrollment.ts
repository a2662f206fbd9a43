import type { AuditAction } from '../audit/audit-log.js';
import { ApiError } from '../http/api-error.js';
import type { Store, UserRow } from '../store/index.js';
import { acceptTotpCode, newTotpSecret, totpUri } from './totp.js';
import { auditTenantOf } from './user-view.js';

/**
 * A user turning their own second factor on and off. The secret is pending until a code from
 * the authenticator app proves it was stored there; turning it off takes a current code too, so
 * a stolen session alone cannot remove it.
 */
export interface TotpDeps {
  store: Store;
  now: () => number;
}

function currentUser(store: Store, id: string): UserRow {
  const user = store.users.get(id);
  if (!user) throw ApiError.notFound('user', id);
  return user;
}

function invalidCode(): ApiError {
  return new ApiError(400, 'invalid_totp', 'invalid TOTP code: wrong, expired or used already');
}

/** Starts (or restarts) enrollment with a fresh secret; the answer is the only time it is shown. */
export function startTotpEnrollment(deps: TotpDeps, userId: string): { secret: string; uri: string } {
  return deps.store.transaction(() => {
    const user = currentUser(deps.store, userId);
    if (user.totpEnabled) throw new ApiError(409, 'conflict', 'TOTP is on already; turn it off first to enroll another authenticator');
    const secret = newTotpSecret();
    deps.store.users.update(user.id, { totpSecret: secret, totpLastStep: null }, deps.now());
    return { secret, uri: totpUri(secret, user.username) };
  });
}

export function confirmTotpEnrollment(deps: TotpDeps, userId: string, code: string, audit: (entry: AuditAction) => void): void {
  deps.store.transaction(() => {
    const now = deps.now();
    const user = currentUser(deps.store, userId);
    if (user.totpEnabled) throw new ApiError(409, 'conflict', 'TOTP is on already');
    if (!user.totpSecret) throw new ApiError(409, 'conflict', 'no TOTP enrollment under way: start one with POST /api/v1/auth/totp');
    const step = acceptTotpCode(user.totpSecret, code, user.totpLastStep, now);
    if (step === null) throw invalidCode();
    deps.store.users.update(user.id, { totpEnabled: true, totpLastStep: step }, now);
    audit({ action: 'auth.totp_enabled', tenantId: auditTenantOf(user), target: { type: 'user', id: user.id } });
  });
}

export function disableTotp(deps: TotpDeps, userId: string, code: string, audit: (entry: AuditAction) => void): void {
  deps.store.transaction(() => {
    const now = deps.now();
    const user = currentUser(deps.store, userId);
    if (!user.totpEnabled || !user.totpSecret) throw new ApiError(409, 'conflict', 'TOTP is not on');
    if (acceptTotpCode(user.totpSecret, code, user.totpLastStep, now) === null) throw invalidCode();
    deps.store.users.update(user.id, { totpSecret: null, totpEnabled: false, totpLastStep: null }, now);
    audit({ action: 'auth.totp_disabled', tenantId: auditTenantOf(user), target: { type: 'user', id: user.id } });
  });
}
