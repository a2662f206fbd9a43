import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { CONSOLE_HTML } from './console-page.js';

/** The web console's entry page; it authenticates with a token kept in the browser. */
export async function consoleRoutes(app: FastifyInstance, _ctx: AppContext): Promise<void> {
  app.get('/', { config: { public: true } }, async (_request, reply) => {
    reply.header('content-type', 'text/html; charset=utf-8');
    reply.header('content-security-policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'");
    return CONSOLE_HTML;
  });
}
