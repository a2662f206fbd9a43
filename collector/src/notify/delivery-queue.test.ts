import { describe, expect, it } from 'vitest';
import type { Alert } from '@vigil/shared';
import { DeliveryQueue, REAL_RETRY_TIMING, retryDelay, type DeliveryQueueOptions, type QueuedDelivery, type RetryTiming } from './delivery-queue.js';
import { DeliveryError } from './senders/delivery-error.js';

const FAST: DeliveryQueueOptions = { concurrency: 2, maxQueued: 10, attempts: 4, startingDelayMs: 5, maxDelayMs: 20, timeoutMs: 1000 };

function delivery(id: string): QueuedDelivery {
  return { id, channelId: 'nch_1', batch: { channelId: 'nch_1', tenantId: 'acme', ruleId: 'rul_1', event: 'opened', items: [{ alert: { id: `alr_${id}` } as Alert, event: 'opened' }] } };
}

/**
 * The queue with its sleeps recorded: each asked-for delay is kept, then slept for real (they are a
 * few milliseconds in FAST), so the order of events is as in production.
 */
function harness(attempt: (d: QueuedDelivery, signal: AbortSignal, n: number) => Promise<void>, options: Partial<DeliveryQueueOptions> = {}, random = () => 1) {
  const records: Array<{ id: string; status: string; error: string | null }> = [];
  const dropped: string[] = [];
  const calls = new Map<string, number>();
  const sleeps: number[] = [];
  const timing: RetryTiming = { sleep: (ms, signal) => { sleeps.push(ms); return REAL_RETRY_TIMING.sleep(ms, signal); }, random };
  const queue = new DeliveryQueue({
    attempt: (d, signal) => {
      const n = (calls.get(d.id) ?? 0) + 1;
      calls.set(d.id, n);
      return attempt(d, signal, n);
    },
    recorded: (d, outcome) => records.push({ id: d.id, ...outcome }),
    dropped: (d) => dropped.push(d.id),
  }, { ...FAST, ...options }, timing);
  return { queue, records, dropped, calls, sleeps };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('delivery queue', () => {
  it('retries a retryable failure after growing delays and records every attempt', async () => {
    const h = harness(async (_d, _s, n) => { if (n < 3) throw new DeliveryError(`HTTP 50${n}`, true); });
    h.queue.enqueue(delivery('d1'));
    await until(() => h.records.some((r) => r.status === 'sent'));
    expect(h.records).toEqual([
      { id: 'd1', status: 'pending', error: 'HTTP 501' }, { id: 'd1', status: 'pending', error: 'HTTP 502' }, { id: 'd1', status: 'sent', error: null },
    ]);
    // With the jitter at its top: the starting delay, then twice it.
    expect(h.sleeps).toEqual([FAST.startingDelayMs, 2 * FAST.startingDelayMs]);
  });

  it('doubles the delay up to its ceiling, and records the last error of a delivery it gives up on', async () => {
    const h = harness(async (_d, _s, n) => { throw new DeliveryError(`HTTP 50${n}`, true); }, { attempts: 5, startingDelayMs: 4, maxDelayMs: 10 });
    h.queue.enqueue(delivery('d1'));
    await until(() => h.records.some((r) => r.status === 'failed'));
    expect(h.sleeps).toEqual([4, 8, 10, 10]);
    expect(h.records).toHaveLength(5);
    expect(h.records.at(-1)).toEqual({ id: 'd1', status: 'failed', error: 'HTTP 505' });
  });

  it('draws each delay at random below the backoff ceiling (full jitter), so failing channels do not retry in lockstep', () => {
    const o = { startingDelayMs: 1000, maxDelayMs: 30_000 };
    expect([1, 2, 3, 6, 9].map((n) => retryDelay(n, o, () => 0.999_999))).toEqual([999, 1999, 3999, 29_999, 29_999]);
    expect(retryDelay(3, o, () => 0.5)).toBe(2000);
    expect(retryDelay(3, o, () => 0)).toBe(0);
  });

  it('on stop wakes a delivery waiting between attempts, which ends there without another attempt', async () => {
    const h = harness(async () => { throw new DeliveryError('HTTP 503', true); }, { startingDelayMs: 60_000, maxDelayMs: 60_000 });
    h.queue.enqueue(delivery('d1'));
    await until(() => h.sleeps.length === 1);
    await h.queue.stop();
    await until(() => h.queue.active === 0);
    expect(h.calls.get('d1')).toBe(1);
  });

  it('gives up at once on a failure retrying cannot fix, and after the last attempt on others', async () => {
    const h = harness(async (d) => { throw new DeliveryError(d.id === 'd1' ? 'HTTP 404' : 'HTTP 503', d.id !== 'd1'); });
    h.queue.enqueue(delivery('d1'));
    h.queue.enqueue(delivery('d2'));
    await until(() => h.records.filter((r) => r.status === 'failed').length === 2);
    expect(h.calls.get('d1')).toBe(1);
    expect(h.calls.get('d2')).toBe(FAST.attempts);
    expect(h.records.filter((r) => r.id === 'd2').map((r) => r.status)).toEqual(['pending', 'pending', 'pending', 'failed']);
  });

  it('drops the oldest waiting delivery when full, so a dead endpoint cannot grow memory', async () => {
    const h = harness((_d, signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), { concurrency: 1, maxQueued: 2, timeoutMs: 60_000 });
    for (const id of ['d1', 'd2', 'd3', 'd4', 'd5']) h.queue.enqueue(delivery(id));
    // d1 is in flight; d2..d5 competed for two places.
    expect(h.dropped).toEqual(['d2', 'd3']);
    expect(h.queue.depth).toBe(2);
    await h.queue.stop();
  });

  it('times out a hanging attempt', async () => {
    const h = harness((_d, signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), { attempts: 1, timeoutMs: 50 });
    h.queue.enqueue(delivery('d1'));
    await until(() => h.records.length === 1);
    expect(h.records).toEqual([{ id: 'd1', status: 'failed', error: 'timed out' }]);
  });

  it('on stop aborts the attempt in flight, records it as still pending, and starts no other', async () => {
    let started = 0;
    const h = harness((_d, signal) => {
      started++;
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    }, { concurrency: 1, timeoutMs: 60_000 });
    h.queue.enqueue(delivery('d1'));
    h.queue.enqueue(delivery('d2'));
    await until(() => started === 1);
    await h.queue.stop();
    expect(h.records).toEqual([{ id: 'd1', status: 'pending', error: 'stopped: the collector is shutting down' }]);
    h.queue.enqueue(delivery('d3'));
    await new Promise((r) => setTimeout(r, 50));
    expect(started).toBe(1);
  });
});
