import type { JobStatus, JobStreamMessage } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { parseOr400 } from '../http/validate.js';
import { STREAM_UNAUTHORIZED } from './alert-stream.js';
import { jobOwnership } from './ownership.js';

/** A watcher this far behind is cut off rather than allowed to grow the collector's memory. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** setTimeout takes at most this (about 24.8 days); a later expiry is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Over: nothing about the job can change any more once its runs are final too. */
const OVER: readonly JobStatus[] = ['finished', 'cancelled', 'rejected'];
const isDone = (status: JobStatus, counts: Record<string, number>) =>
  OVER.includes(status) && (counts.queued ?? 0) + (counts.sent ?? 0) + (counts.running ?? 0) === 0;

/**
 * GET /api/v1/jobs/:id/stream: a job's live progress for the CLI and the dashboard. A snapshot
 * (runs without output) and what the running runs printed so far, then every run change, every
 * chunk of output as it arrives, and the job's status, counts and approval; closed (1000) once
 * the job is over and its runs are final, or (4401) when the caller's token stops being valid.
 */
export async function jobStreamRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/jobs/:id/stream', {
    websocket: true,
    config: { tokenInQuery: true, auth: { permission: 'jobs:read', target: jobOwnership(ctx) } },
  }, (socket, request) => {
    const caller = request.caller!;
    const { id: jobId } = parseOr400(z.object({ id: z.string().min(1) }), request.params, 'params');
    const open = () => socket.readyState === socket.OPEN;
    const close = (code: number, reason: string) => {
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
    };
    const send = (message: JobStreamMessage) => {
      if (!open()) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        request.log.warn({ jobId, by: caller.name }, 'job stream watcher too slow; closing');
        close(1013, 'watcher too slow; reconnect for a fresh snapshot');
        return;
      }
      socket.send(JSON.stringify(message));
    };

    const summary = ctx.store.jobs.summary(jobId);
    if (!summary) {
      close(1008, `job ${jobId} does not exist`);
      return;
    }
    // Subscribed before the snapshot is read: a change in between arrives after it, never lost.
    const unsubscribe = ctx.jobs.progress.subscribe(jobId, (message) => {
      send(message);
      if (message.type === 'job.updated' && isDone(message.status, message.counts)) close(1000, 'job over');
    });
    // Output kept so far and the chunks after it are read in this same turn, so none falls between.
    const unfollowOutput = ctx.gateway.liveOutput.subscribe(jobId, send);
    send({ type: 'job.snapshot', job: { ...summary, runs: ctx.store.jobs.runProgressOf(jobId) } });
    for (const output of ctx.gateway.liveOutput.replay(jobId)) send(output);
    if (isDone(summary.status, summary.counts)) close(1000, 'job over');

    const unwatchRevocations = ctx.tokenRevocations.subscribe((tokenIds, reason) => {
      if (tokenIds.has(caller.tokenId)) close(STREAM_UNAUTHORIZED, reason);
    });
    let expiryTimer: NodeJS.Timeout | undefined;
    if (caller.expiresAt !== null) {
      const expiresAt = caller.expiresAt;
      const arm = () => {
        const left = expiresAt - ctx.now();
        if (left <= 0) close(STREAM_UNAUTHORIZED, 'token expired');
        else expiryTimer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
      };
      arm();
    }
    socket.on('close', () => {
      unsubscribe();
      unfollowOutput();
      unwatchRevocations();
      clearTimeout(expiryTimer);
    });
    // The stream is one-way; anything a client sends is ignored.
    socket.on('message', () => {});
  });
}
