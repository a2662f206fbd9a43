import type { AlertFeedMessage } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { toPublicAlert } from '../alerts/to-public.js';
import { canSeeTenant } from '../auth/caller.js';

/** A subscriber this far behind is cut off rather than allowed to grow the collector's memory. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** The token the stream was opened with stopped being valid; the client must log in again. */
export const STREAM_UNAUTHORIZED = 4401;

/** setTimeout takes at most this (about 24.8 days); a later expiry is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `onExpired` at `expiresAt` (by `now`'s clock); returns the cancel. */
function atExpiry(expiresAt: number, now: () => number, onExpired: () => void): () => void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = expiresAt - now();
    if (left <= 0) {
      onExpired();
      return;
    }
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
  };
  arm();
  return () => clearTimeout(timer);
}

export async function alertStreamRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/alerts/stream', {
    websocket: true,
    config: { tokenInQuery: true, auth: { permission: 'alerts:read' } },
  }, (socket, request) => {
    const caller = request.caller!;
    const sees = (alert: { tenantId: string }) => canSeeTenant(caller, alert.tenantId);
    const end = (reason: string) => {
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(STREAM_UNAUTHORIZED, reason);
    };
    const snapshot: AlertFeedMessage = { type: 'snapshot', alerts: ctx.store.alerts.listUnresolved().filter(sees).map(toPublicAlert) };
    socket.send(JSON.stringify(snapshot));
    const unsubscribe = ctx.alertEvents.subscribe((event) => {
      if (socket.readyState !== socket.OPEN || !sees(event.alert)) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        request.log.warn({ by: caller.name }, 'alert stream subscriber too slow; closing');
        socket.close(1013, 'subscriber too slow; reconnect for a fresh snapshot');
        return;
      }
      socket.send(JSON.stringify(event satisfies AlertFeedMessage));
    });
    const unwatchRevocations = ctx.tokenRevocations.subscribe((tokenIds, reason) => {
      if (tokenIds.has(caller.tokenId)) end(reason);
    });
    const cancelExpiry = caller.expiresAt === null ? () => {} : atExpiry(caller.expiresAt, ctx.now, () => end('token expired'));
    ctx.metrics.feedSubscribers.inc();
    socket.on('close', () => {
      unsubscribe();
      unwatchRevocations();
      cancelExpiry();
      ctx.metrics.feedSubscribers.dec();
    });
    // The feed is one-way; anything a client sends is ignored.
    socket.on('message', () => {});
  });
}
