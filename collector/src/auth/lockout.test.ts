import { describe, expect, it } from 'vitest';
import { AFTER_SUCCESSFUL_LOGIN, LOCKOUT, afterFailedLogin, lockEndsAt, type LoginFailures } from './lockout.js';

const fresh: LoginFailures = { failedLogins: 0, lockedUntil: null };

function fail(state: LoginFailures, times: number, now: number): LoginFailures & { lockStarted: boolean } {
  let next = { ...state, lockStarted: false };
  for (let i = 0; i < times; i++) next = afterFailedLogin(next, now);
  return next;
}

describe('account lockout', () => {
  it('locks for 15 minutes at the fifth failure in a row, not before', () => {
    const now = 1_000_000;
    const four = fail(fresh, 4, now);
    expect(four).toEqual({ failedLogins: 4, lockedUntil: null, lockStarted: false });
    expect(lockEndsAt(four, now)).toBeNull();
    const fifth = afterFailedLogin(four, now);
    expect(fifth).toEqual({ failedLogins: 5, lockedUntil: now + 15 * 60_000, lockStarted: true });
    expect(LOCKOUT).toEqual({ maxFailures: 5, lockMs: 900_000 });
  });

  it('stays locked until the lock ends, whatever is tried, and does not extend it', () => {
    const now = 1_000_000;
    const locked = fail(fresh, 5, now);
    expect(lockEndsAt(locked, now + 899_999)).toBe(now + 900_000);
    expect(afterFailedLogin(locked, now + 600_000)).toEqual({ ...locked, lockStarted: false });
    expect(lockEndsAt(locked, now + 900_000)).toBeNull();
  });

  it('counts afresh once a lock has run out', () => {
    const now = 1_000_000;
    const locked = fail(fresh, 5, now);
    const later = now + LOCKOUT.lockMs + 1;
    expect(afterFailedLogin(locked, later)).toEqual({ failedLogins: 1, lockedUntil: null, lockStarted: false });
    expect(fail(locked, 5, later)).toMatchObject({ failedLogins: 5, lockedUntil: later + LOCKOUT.lockMs, lockStarted: true });
  });

  it('a success resets the count', () => {
    expect(AFTER_SUCCESSFUL_LOGIN).toEqual(fresh);
    expect(afterFailedLogin({ ...fail(fresh, 4, 0), ...AFTER_SUCCESSFUL_LOGIN }, 0).failedLogins).toBe(1);
  });
});
