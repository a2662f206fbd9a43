import type { IssuedToken, LoginInput, User } from '@vigil/shared';
import type { AuditLog } from '../audit/audit-log.js';
import type { Store, UserRow } from '../store/index.js';
import { AFTER_SUCCESSFUL_LOGIN, afterFailedLogin, lockEndsAt } from './lockout.js';
import { dummyVerify, verifyPassword } from './passwords.js';
import { SESSION_LIFETIME_MS, issueToken } from './token-service.js';
import { acceptTotpCode } from './totp.js';
import { auditTenantOf, publicUser } from './user-view.js';

export type LoginFailure = 'unknown_user' | 'bad_password' | 'locked' | 'totp_required' | 'invalid_totp' | 'disabled';

export type LoginResult =
  | { ok: true; session: IssuedToken; user: User }
  | { ok: false; reason: LoginFailure; lockedUntil?: number };

export interface LoginDeps {
  store: Store;
  audit: AuditLog;
  now: () => number;
}

/**
 * Username and password (and the TOTP code when the user turned it on) for a session token.
 * Every attempt is audited, failures with their reason; the caller answers all of unknown user,
 * wrong password and disabled user alike, so the answer does not tell who has an account.
 */
export async function login(deps: LoginDeps, input: LoginInput, sourceIp: string | null): Promise<LoginResult> {
  const { store } = deps;
  const found = store.users.getByUsername(input.username);
  const refuse = (reason: LoginFailure, user?: UserRow, lockedUntil?: number): LoginResult => {
    // The name is what was typed, not proof of who typed it: the entry is MSP-wide.
    deps.audit.recordAs({ type: 'user', id: user?.id ?? null, name: input.username, sourceIp }, { action: 'auth.login_failed', tenantId: null, after: { reason } });
    return lockedUntil === undefined ? { ok: false, reason } : { ok: false, reason, lockedUntil };
  };
  if (!found) {
    await dummyVerify(input.password);
    return store.transaction(() => refuse('unknown_user'));
  }
  // A locked account is refused before the costly hash: guessing against it gains nothing.
  const lockedAtStart = found.disabledAt === null ? lockEndsAt(found, deps.now()) : null;
  if (lockedAtStart !== null) return store.transaction(() => refuse('locked', found, lockedAtStart));
  const passwordOk = await verifyPassword(input.password, found.passwordHash);

  // From here on one synchronous transaction: concurrent attempts count every failure and cannot
  // both use one TOTP code.
  return store.transaction((): LoginResult => {
    const now = deps.now();
    const user = store.users.get(found.id);
    if (!user) return refuse('unknown_user');
    if (user.disabledAt !== null) return refuse('disabled', user);
    const lockedUntil = lockEndsAt(user, now);
    if (lockedUntil !== null) return refuse('locked', user, lockedUntil);
    const fail = (reason: 'bad_password' | 'invalid_totp'): LoginResult => {
      const next = afterFailedLogin(user, now);
      store.users.update(user.id, { failedLogins: next.failedLogins, lockedUntil: next.lockedUntil }, now);
      const result = refuse(reason, user);
      if (next.lockStarted) {
        deps.audit.recordAs({ type: 'system', id: null, name: 'vigil-collector', sourceIp }, {
          action: 'auth.locked', tenantId: auditTenantOf(user), target: { type: 'user', id: user.id },
          after: { failedLogins: next.failedLogins, lockedUntil: next.lockedUntil },
        });
      }
      return result;
    };
    if (!passwordOk) return fail('bad_password');
    let totpLastStep = user.totpLastStep;
    if (user.totpEnabled) {
      if (input.totp === undefined) return refuse('totp_required', user);
      // Without a secret no code can be right: refused rather than let through.
      const step = user.totpSecret ? acceptTotpCode(user.totpSecret, input.totp, user.totpLastStep, now) : null;
      if (step === null) return fail('invalid_totp');
      totpLastStep = step;
    }
    store.users.update(user.id, { ...AFTER_SUCCESSFUL_LOGIN, totpLastStep }, now);
    const session = issueToken(store, { user, kind: 'session', name: `session ${user.username}`, scopes: ['*'], lifetimeMs: SESSION_LIFETIME_MS, now });
    deps.audit.recordAs({ type: 'user', id: user.id, name: user.username, sourceIp }, {
      action: 'auth.login_succeeded', tenantId: auditTenantOf(user), target: { type: 'token', id: session.id },
    });
    return { ok: true, session, user: publicUser(store.users.get(user.id)!) };
  });
}
