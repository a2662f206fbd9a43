/**
 * A token bucket that may be overdrawn: every request is granted, and the answer is how long the
 * caller should wait before the next one so the average stays at `ratePerSec`. Callers decide
 * what waiting means (pause reading a socket) and how deep an overdraft is abuse. Time comes in
 * as an argument so the arithmetic is testable without a clock.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly ratePerSec: number,
    readonly burst: number,
    now: number,
  ) {
    if (!(ratePerSec > 0) || !(burst > 0)) throw new RangeError('a token bucket needs a positive rate and burst');
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Takes `amount` tokens and returns the milliseconds until the balance is back to zero (0 = within the limit). */
  take(amount: number, now: number): number {
    this.refill(now);
    this.tokens -= amount;
    return this.debtMs();
  }

  /** Milliseconds of refill the overdraft still needs at `now`. */
  waitMs(now: number): number {
    this.refill(now);
    return this.debtMs();
  }

  private debtMs(): number {
    return this.tokens >= 0 ? 0 : (-this.tokens / this.ratePerSec) * 1000;
  }

  private refill(now: number): void {
    // A clock that steps backwards must not mint tokens or drain them.
    const elapsedMs = Math.max(0, now - this.updatedAt);
    this.updatedAt = Math.max(this.updatedAt, now);
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs / 1000) * this.ratePerSec);
  }
}
