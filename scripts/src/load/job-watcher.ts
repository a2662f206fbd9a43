import { describeZodError } from '@vigil/shared';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { ApiClient } from './api-client.js';
import { closeSocket } from './close-socket.js';
import { isSettled, JobStreamProgressSchema, type RunCounts } from './job-progress.js';
import { sleep } from './pool.js';
import type { RunStats } from './run-stats.js';

export type ObservedBy = 'stream' | 'poll';

const STREAM_TYPES: ReadonlySet<string> = new Set(JobStreamProgressSchema.options.map((option) => option.shape.type.value));

/**
 * Follows a job until it settles (finished, cancelled or rejected): over its WebSocket stream,
 * which says so the moment it happens, or, where the collector has no stream or it closes early,
 * by polling GET /api/v1/jobs/:id. Polling reads every run each time, which at thousands of runs
 * is load of its own, hence the stream first.
 */
export class JobWatcher {
  status: string | null = null;
  counts: RunCounts = {};
  /** performance.now() when a settled status was first seen. */
  settledAt: number | null = null;
  observedBy: ObservedBy | null = null;
  streamMessages = 0;

  constructor(
    private readonly api: ApiClient,
    private readonly stats: RunStats,
    private readonly log: (line: string) => void,
    private readonly handshakeTimeoutMs: number,
    private readonly pollEveryMs = 250,
  ) {}

  get settled(): boolean {
    return this.settledAt !== null;
  }

  /** Resolves once the job settled or the signal aborted. */
  async watch(jobId: string, signal: AbortSignal): Promise<void> {
    await this.follow(jobId, signal);
    if (!this.settled && !signal.aborted) await this.poll(jobId, signal);
  }

  private update(status: string, counts: RunCounts, by: ObservedBy): void {
    this.status = status;
    this.counts = counts;
    if (this.settledAt === null && isSettled(status, counts)) {
      this.settledAt = performance.now();
      this.observedBy = by;
    }
  }

  /** Reads the stream until the job settles; returns early (to fall back on polling) if it cannot. */
  private follow(jobId: string, signal: AbortSignal): Promise<void> {
    const { url, headers } = this.api.jobStream(jobId);
    return new Promise<void>((resolve) => {
      const socket = new WebSocket(url, { headers, perMessageDeflate: false, handshakeTimeout: this.handshakeTimeoutMs });
      let done = false;
      const finish = (why: string | null): void => {
        if (done) return;
        done = true;
        signal.removeEventListener('abort', onAbort);
        if (why) this.log(`job stream: ${why}; polling GET /api/v1/jobs/${jobId} every ${this.pollEveryMs}ms instead`);
        // A handshake still in progress (or refused) has nothing to close politely.
        if (socket.readyState === WebSocket.CONNECTING) {
          socket.terminate();
          resolve();
        } else {
          void closeSocket(socket, 1000, 'load simulation finished').then(() => resolve());
        }
      };
      const onAbort = (): void => finish(null);
      signal.addEventListener('abort', onAbort, { once: true });
      socket.on('unexpected-response', (_request, response) => {
        response.resume();
        finish(`refused with HTTP ${response.statusCode}`);
      });
      socket.on('error', (err) => finish(`failed: ${err.message}`));
      socket.on('close', (code) => finish(this.settled ? null : `closed (${code}) before the job settled`));
      socket.on('message', (data) => {
        this.streamMessages++;
        const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8');
        let raw: unknown;
        try {
          raw = JSON.parse(text);
        } catch {
          return this.stats.error('bad_job_stream_message', `not JSON: ${text.slice(0, 80)}`);
        }
        const type = (raw as { type?: unknown } | null)?.type;
        // Kinds of message added later are of no concern to the benchmark.
        if (typeof type === 'string' && !STREAM_TYPES.has(type)) return;
        const parsed = JobStreamProgressSchema.safeParse(raw);
        if (!parsed.success) return this.stats.error('bad_job_stream_message', describeZodError(parsed.error));
        const message = parsed.data;
        if (message.type === 'job.snapshot') this.update(message.job.status, message.job.counts, 'stream');
        else if (message.type === 'job.updated') this.update(message.status, message.counts, 'stream');
        if (this.settled) finish(null);
      });
    });
  }

  private async poll(jobId: string, signal: AbortSignal): Promise<void> {
    while (!this.settled && !signal.aborted) {
      const started = performance.now();
      try {
        const job = await this.api.getJob(jobId);
        this.update(job.status, job.counts, 'poll');
      } catch (err) {
        this.stats.error('job_poll_failed', (err as Error).message);
      }
      await sleep(Math.max(0, this.pollEveryMs - (performance.now() - started)), signal);
    }
  }
}
