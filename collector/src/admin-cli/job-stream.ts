import { JobStreamMessageSchema, type JobStreamMessage } from '@vigil/shared';
import type WebSocket from 'ws';
import { apiPath, type ApiClient } from './api-client.js';
import { jobFinished, type JobProgress } from './job-wait.js';

/** A ping this often, and a connection that misses a pong by the next one is dead (a NAT dropped it). */
export const STREAM_PING_MS = 15_000;

export type StreamOutcome =
  /** The job is over; `job` is what the stream said last (runs without output). */
  | { kind: 'over'; job: JobProgress }
  /** The deadline passed or the wait was interrupted. */
  | { kind: 'stopped'; job: JobProgress | null }
  /** No stream (an older collector, a proxy without WebSockets) or it broke: poll from here. */
  | { kind: 'unavailable'; job: JobProgress | null; reason: string };

export interface StreamOptions {
  /** Unix ms: stop following then. */
  deadline: number;
  signal?: AbortSignal;
  onUpdate(job: JobProgress): void;
}

/** Applies one stream message to what is known of the job; null until the snapshot has come. */
export function applyStreamMessage(job: JobProgress | null, message: JobStreamMessage): JobProgress | null {
  if (message.type === 'job.snapshot') return message.job;
  if (job === null) return null;
  if (message.type === 'job.updated') return { ...job, status: message.status, counts: message.counts };
  // Live output is for watchers of one run; the CLI reads each run's output once it is final.
  if (message.type === 'run.output') return job;
  const at = job.runs.findIndex((run) => run.id === message.run.id);
  const runs = at === -1 ? [...job.runs, message.run] : job.runs.map((run, i) => (i === at ? message.run : run));
  return { ...job, runs };
}

/**
 * Follows a job over GET /api/v1/jobs/:id/stream until it is over, the deadline passes or the
 * signal aborts. Never throws: whatever goes wrong with the stream is 'unavailable', and the
 * caller polls instead.
 */
export function streamJob(client: ApiClient, jobId: string, options: StreamOptions): Promise<StreamOutcome> {
  return new Promise((resolve) => {
    let job: JobProgress | null = null;
    let settled = false;
    let socket: WebSocket;
    try {
      socket = client.openWebSocket(apiPath`/api/v1/jobs/${jobId}/stream`);
    } catch (error) {
      resolve({ kind: 'unavailable', job: null, reason: (error as Error).message });
      return;
    }
    let awaitingPong = false;
    const pinger = setInterval(() => {
      if (awaitingPong) return finish({ kind: 'unavailable', job, reason: 'the stream stopped answering pings' });
      awaitingPong = true;
      socket.ping();
    }, STREAM_PING_MS);
    const deadlineTimer = setTimeout(() => finish({ kind: 'stopped', job }), Math.max(0, options.deadline - Date.now()));
    const onAbort = (): void => finish({ kind: 'stopped', job });
    options.signal?.addEventListener('abort', onAbort, { once: true });

    function finish(outcome: StreamOutcome): void {
      if (settled) return;
      settled = true;
      clearInterval(pinger);
      clearTimeout(deadlineTimer);
      options.signal?.removeEventListener('abort', onAbort);
      // terminate, not close: nothing more is wanted from this socket, and a close handshake could hang.
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.terminate();
      resolve(outcome);
    }

    socket.on('pong', () => (awaitingPong = false));
    socket.on('unexpected-response', (_request, response) => finish({ kind: 'unavailable', job, reason: `the stream answered HTTP ${response.statusCode}` }));
    socket.on('error', (error) => finish({ kind: 'unavailable', job, reason: error.message }));
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let parsed;
      try {
        parsed = JobStreamMessageSchema.safeParse(JSON.parse(data.toString()));
      } catch {
        return;
      }
      // A message this CLI does not know (a newer collector) is skipped, not fatal.
      if (!parsed.success) return;
      job = applyStreamMessage(job, parsed.data);
      if (job === null) return;
      options.onUpdate(job);
      if (jobFinished(job)) finish({ kind: 'over', job });
    });
    socket.on('close', (code, reason) => {
      if (job !== null && jobFinished(job)) finish({ kind: 'over', job });
      else finish({ kind: 'unavailable', job, reason: `the stream closed (${code}${reason.length ? ` ${reason.toString()}` : ''})` });
    });
    if (options.signal?.aborted) onAbort();
  });
}
