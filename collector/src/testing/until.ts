/**
 * Polls `check` every 10 ms until it returns something other than undefined or false, and
 * returns that; throws naming `what` once `timeoutMs` has passed. For tests of code that settles
 * on timers of its own (a delivery queue, a receiver on loopback).
 */
export async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not in time`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
