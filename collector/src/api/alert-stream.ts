import type { AlertFeedMessage } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { toPublicAlert } from '../alerts/to-public.js';

/** A subscriber this far behind is cut off rather than allowed to grow the collector's memory. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export async function alertStreamRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/alerts/stream', { websocket: true, config: { tokenInQuery: true } }, (socket, request) => {
    const snapshot: AlertFeedMessage = { type: 'snapshot', alerts: ctx.store.alerts.listUnresolved().map(toPublicAlert) };
    socket.send(JSON.stringify(snapshot));
    const unsubscribe = ctx.alertEvents.subscribe((event) => {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        request.log.warn({ by: request.caller?.name }, 'alert stream subscriber too slow; closing');
        socket.close(1013, 'subscriber too slow; reconnect for a fresh snapshot');
        return;
      }
      socket.send(JSON.stringify(event satisfies AlertFeedMessage));
    });
    ctx.metrics.feedSubscribers.inc();
    socket.on('close', () => {
      unsubscribe();
      ctx.metrics.feedSubscribers.dec();
    });
    // The feed is one-way; anything a client sends is ignored.
    socket.on('message', () => {});
  });
}
