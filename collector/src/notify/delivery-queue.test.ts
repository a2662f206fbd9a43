import { describe, expect, it } from 'vitest';
import type { Alert } from '@vigil/shared';
import { DeliveryQueue, type DeliveryQueueOptions, type QueuedDelivery } from './delivery-queue.js';
import { DeliveryError } from './senders/delivery-error.js';

const FAST: DeliveryQueueOptions = { concurrency: 2, maxQueued: 10, attempts: 4, startingDelayMs: 5, maxDelayMs: 20, timeoutMs: 1000 };

function delivery(id: string): QueuedDelivery {
  return { id, channelId: 'nch_1', batch: { channelId: 'nch_1', tenantId: 'acme', ruleId: 'rul_1', event: 'opened', items: [{ alert: { id: `alr_${id}` } as Alert, event: 'opened' }] } };
}

function harness(attempt: (d: QueuedDelivery, signal: AbortSignal, n: number) => Promise<void>, options: Partial<DeliveryQueueOptions> = {}) {
  const records: Array<{ id: string; status: string; error: string | null }> = [];
  const dropped: string[] = [];
  const calls = new Map<string, number>();
  const queue = new DeliveryQueue({
    attempt: (d, signal) => {
      const n = (calls.get(d.id) ?? 0) + 1;
      calls.set(d.id, n);
      return attempt(d, signal, n);
    },
    recorded: (d, outcome) => records.push({ id: d.id, ...outcome }),
    dropped: (d) => dropped.push(d.id),
  }, { ...FAST, ...options });
  return { queue, records, dropped, calls };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('delivery queue', () => {
  it('retries a retryable failure with backoff and records every attempt', async () => {
    const h = harness(async (_d, _s, n) => { if (n < 3) throw new DeliveryError('HTTP 500', true); });
    h.queue.enqueue(delivery('d1'));
    await until(() => h.records.some((r) => r.status === 'sent'));
    expect(h.records).toEqual([
      { id: 'd1', status: 'pending', error: 'HTTP 500' }, { id: 'd1', status: 'pending', error: 'HTTP 500' }, { id: 'd1', status: 'sent', error: null },
    ]);
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
    const h = harness(() => new Promise(() => {}), { concurrency: 1, maxQueued: 2, timeoutMs: 60_000 });
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
