/**
 * A job's two dispatch limits: at most `concurrency` runs sent and unfinished at once, and at
 * most `ratePerSec` dispatches per second (a token bucket holding one second's worth, so a job
 * may start with a burst of that many). Time comes in as an argument so the limits are testable
 * without a clock.
 */
export class DispatchThrottle {
  private tokens: number;
  private updatedAt: number;
  private inFlight = 0;

  constructor(
    readonly concurrency: number,
    readonly ratePerSec: number,
    now: number,
  ) {
    if (!(concurrency >= 1) || !(ratePerSec > 0)) throw new RangeError('a dispatch throttle needs concurrency ≥ 1 and a positive rate');
    this.tokens = ratePerSec;
    this.updatedAt = now;
  }

  /** Runs sent (or running) and not finished. */
  get unfinished(): number {
    return this.inFlight;
  }

  /** How many dispatches may go out now. */
  allowance(now: number): number {
    this.refill(now);
    return Math.max(0, Math.min(this.concurrency - this.inFlight, Math.floor(this.tokens)));
  }

  /** `count` dispatches went out. */
  sent(count: number, now: number): void {
    this.refill(now);
    this.tokens -= count;
    this.inFlight += count;
  }

  /** Runs already under way when the job was picked up (after a restart): they count, but cost no token. */
  adopt(count: number): void {
    this.inFlight += count;
  }

  /** A run sent earlier finished: its slot is free. */
  finished(count = 1): void {
    this.inFlight = Math.max(0, this.inFlight - count);
  }

  private refill(now: number): void {
    // A clock that steps backwards must not mint tokens.
    const elapsedMs = Math.max(0, now - this.updatedAt);
    this.updatedAt = Math.max(this.updatedAt, now);
    this.tokens = Math.min(this.ratePerSec, this.tokens + (elapsedMs / 1000) * this.ratePerSec);
  }
}
