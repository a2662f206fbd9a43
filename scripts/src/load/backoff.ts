/** The real agent's reconnect curve (agent-connection.ts: exponential-backoff, multiple 2, full jitter). */
export interface BackoffCurve {
  startingDelayMs: number;
  maxDelayMs: number;
}

export const AGENT_BACKOFF: BackoffCurve = { startingDelayMs: 1000, maxDelayMs: 60_000 };

/**
 * Delay before the `attempt`-th try (0 = the first after a lost session): uniformly random up
 * to startingDelay·2^attempt, capped. Full jitter is what spreads a fleet's reconnects over the
 * window instead of sending them all at the same instant.
 */
export function fullJitterDelayMs(attempt: number, curve: BackoffCurve = AGENT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(curve.maxDelayMs, curve.startingDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}
