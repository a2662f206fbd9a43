import { deadlineSignal, type DeliveryStatus } from '@vigil/shared';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { DeliveryError } from './senders/delivery-error.js';
import type { DeliveryBatch } from './types.js';

export interface QueuedDelivery { id: string; channelId: string; batch: DeliveryBatch }

export interface DeliveryQueueDeps {
  /** One attempt; throws (preferably a DeliveryError) when it fails. */
  attempt(delivery: QueuedDelivery, signal: AbortSignal): Promise<void>;
  /** Every attempt made, with its outcome: `pending` when another attempt follows or the collector stopped mid-way. */
  recorded(delivery: QueuedDelivery, outcome: { status: DeliveryStatus; error: string | null }): void;
  /** A waiting delivery pushed out by a newer one because the queue was full. */
  dropped(delivery: QueuedDelivery): void;
}

export interface DeliveryQueueOptions {
  /** Deliveries sent at the same time. */
  concurrency: number;
  /** Deliveries waiting beyond this push out the oldest: a dead endpoint cannot grow memory without limit. */
  maxQueued: number;
  /** Attempts per delivery, the first included. */
  attempts: number;
  startingDelayMs: number;
  maxDelayMs: number;
  /** Per attempt: connecting, sending and the answer together. */
  timeoutMs: number;
}

export const DEFAULT_DELIVERY_QUEUE_OPTIONS: DeliveryQueueOptions = {
  concurrency: 4, maxQueued: 1000, attempts: 5, startingDelayMs: 1000, maxDelayMs: 30_000, timeoutMs: 10_000,
};

/** How the queue waits between attempts: injected by tests to see the delays without waiting them out. */
export interface RetryTiming {
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** In [0, 1): the jitter. */
  random(): number;
}

export const REAL_RETRY_TIMING: RetryTiming = {
  sleep: (ms, signal) => sleepFor(ms, undefined, { signal }).catch(() => {}),
  random: Math.random,
};

/**
 * Exponential backoff with full jitter: before retry n (1 for the second attempt), a delay drawn
 * from [0, min(maxDelay, startingDelay × 2^(n−1))]. Spread out so that channels failing together
 * (one receiver down) do not retry in lockstep.
 */
export function retryDelay(retry: number, options: Pick<DeliveryQueueOptions, 'startingDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const cap = Math.min(options.maxDelayMs, options.startingDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * cap);
}

type AttemptOutcome = 'sent' | 'retry' | 'final';

/**
 * Sends deliveries off the ingest path: a bounded FIFO, a few at a time, each attempt with a
 * timeout, failed ones retried with exponential backoff and full jitter. stop() aborts attempts
 * in flight (they are recorded as still pending) and makes sure no further attempt starts; what
 * was waiting stays pending in the store for the next start.
 */
export class DeliveryQueue {
  private readonly waiting: QueuedDelivery[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();
  private running = 0;

  constructor(
    private readonly deps: DeliveryQueueDeps,
    private readonly options: DeliveryQueueOptions = DEFAULT_DELIVERY_QUEUE_OPTIONS,
    private readonly timing: RetryTiming = REAL_RETRY_TIMING,
  ) {}

  get depth(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.running;
  }

  enqueue(delivery: QueuedDelivery): void {
    if (this.stopping.signal.aborted) return;
    while (this.waiting.length >= this.options.maxQueued) this.deps.dropped(this.waiting.shift()!);
    this.waiting.push(delivery);
    this.pump();
  }

  /**
   * Aborts attempts in flight and resolves once they have been recorded (bounded by their abort,
   * not by the network). A delivery sleeping between attempts wakes at once and ends there
   * without another attempt.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.waiting.length = 0;
    await Promise.allSettled([...this.inFlight]);
  }

  private pump(): void {
    while (!this.stopping.signal.aborted && this.running < this.options.concurrency && this.waiting.length > 0) {
      const delivery = this.waiting.shift()!;
      this.running++;
      void this.run(delivery).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(delivery: QueuedDelivery): Promise<void> {
    for (let attempt = 1; !this.stopping.signal.aborted; attempt++) {
      const work = this.attemptOnce(delivery, attempt);
      this.inFlight.add(work);
      let outcome: AttemptOutcome;
      try {
        outcome = await work;
      } catch {
        // Only recording the outcome can throw here (the dispatcher logs its own failures): give up on it.
        outcome = 'final';
      } finally {
        this.inFlight.delete(work);
      }
      if (outcome !== 'retry') return;
      // A sleep cut short by stop() ends the loop without another attempt.
      await this.timing.sleep(retryDelay(attempt, this.options, this.timing.random), this.stopping.signal);
    }
  }

  /** One attempt, recorded whatever its outcome, so that stop() can wait for the record and no longer. */
  private async attemptOnce(delivery: QueuedDelivery, attemptNumber: number): Promise<AttemptOutcome> {
    const deadline = deadlineSignal(this.options.timeoutMs, this.stopping.signal);
    const signal = deadline.signal;
    try {
      await this.deps.attempt(delivery, signal);
    } catch (err) {
      const failure = DeliveryError.from(err, signal);
      const stopped = this.stopping.signal.aborted;
      const again = !stopped && failure.retryable && attemptNumber < this.options.attempts;
      // Interrupted by the shutdown: still owed, sent after the next start.
      this.deps.recorded(delivery, { status: again || stopped ? 'pending' : 'failed', error: failure.message });
      return again ? 'retry' : 'final';
    } finally {
      deadline.dispose();
    }
    this.deps.recorded(delivery, { status: 'sent', error: null });
    return 'sent';
  }
}
