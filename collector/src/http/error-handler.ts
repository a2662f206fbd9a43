import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from './api-error.js';

/** One error shape for every route: `{ error: { code, message, fields? } }`. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      const body = error.fields?.length ? { code: error.code, message: error.message, fields: error.fields } : { code: error.code, message: error.message };
      return reply.status(error.statusCode).send({ error: body });
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send({ error: { code: 'internal', message: 'internal server error' } });
    }
    // Fastify's own 4xx (malformed JSON, body too large, wrong content type) keep their message.
    const code = (error.code ?? 'bad_request').replace(/^FST_ERR_/, '').toLowerCase();
    return reply.status(status).send({ error: { code, message: error.message } });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });
}
