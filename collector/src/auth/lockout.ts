/**
 * Account lockout against password guessing: after MAX_FAILURES wrong passwords (or TOTP codes)
 * in a row the account refuses every login, the right password included, for LOCK_MS. A success
 * starts the count over; so does a lock that has run out.
 */
export const LOCKOUT = { maxFailures: 5, lockMs: 15 * 60_000 } as const;

export interface LoginFailures {
  failedLogins: number;
  lockedUntil: number | null;
}

/** When the lock in force at `now` ends, or null when the account is not locked. */
export function lockEndsAt(state: LoginFailures, now: number): number | null {
  return state.lockedUntil !== null && state.lockedUntil > now ? state.lockedUntil : null;
}

/** The state after one more failure at `now`; `lockStarted` when this failure locked the account. */
export function afterFailedLogin(state: LoginFailures, now: number): LoginFailures & { lockStarted: boolean } {
  if (lockEndsAt(state, now) !== null) return { ...state, lockStarted: false };
  const lapsed = state.lockedUntil !== null;
  const failedLogins = (lapsed ? 0 : state.failedLogins) + 1;
  if (failedLogins >= LOCKOUT.maxFailures) return { failedLogins, lockedUntil: now + LOCKOUT.lockMs, lockStarted: true };
  return { failedLogins, lockedUntil: null, lockStarted: false };
}

export const AFTER_SUCCESSFUL_LOGIN: LoginFailures = { failedLogins: 0, lockedUntil: null };
