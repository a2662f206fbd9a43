/**
 * Runs task(0..count-1) with at most `concurrency` in flight. Stops starting new tasks once the
 * signal aborts; tasks already running finish on their own timeouts.
 */
export async function runPool(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count && !signal?.aborted) {
      const index = next++;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Resolves after ms, or at once when the signal aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Polls until the condition holds, the timeout passes or the signal aborts; true if it held. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, signal?: AbortSignal, pollMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline || signal?.aborted) return false;
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())), signal);
  }
  return true;
}
