import { performance } from 'node:perf_hooks';
import { AGENT_BACKOFF, fullJitterDelayMs, type BackoffCurve } from './backoff.js';
import { sleep } from './pool.js';
import type { SimAgent } from './sim-agent.js';

export interface Readmission {
  /** performance.now() of the welcome, or null if the agent was not readmitted before the signal. */
  welcomedAt: number | null;
  attempts: number;
}

/**
 * What the real agent does once its session is lost: wait a fully jittered delay, try, and on
 * any failure (collector down, 1013 busy, handshake timeout) wait a longer jittered delay.
 * Resolves at the first welcome, or when the signal aborts.
 */
export async function reconnectLikeAnAgent(
  agent: SimAgent, url: string, timeoutMs: number, signal: AbortSignal, curve: BackoffCurve = AGENT_BACKOFF,
): Promise<Readmission> {
  await agent.whenClosed();
  let attempts = 0;
  while (!signal.aborted) {
    await sleep(fullJitterDelayMs(attempts, curve), signal);
    if (signal.aborted) break;
    attempts++;
    try {
      await agent.connect(url, timeoutMs);
      return { welcomedAt: performance.now(), attempts };
    } catch {
      // Refused or unreachable: counted by the agent's close codes; back off and try again.
    }
  }
  return { welcomedAt: null, attempts };
}
