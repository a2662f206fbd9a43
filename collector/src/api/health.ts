import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';

export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/healthz', { config: { public: true } }, async () => ({ status: 'ok', agentsConnected: ctx.registry.size }));

  // Prometheus exposition of the collector itself; scrape it with a bearer token.
  app.get('/metrics', { config: { auth: { permission: 'collector:metrics' } } }, async (_request, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
}
