import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

/** Longest message an error answer carries. */
export const MAX_ERROR_MESSAGE_CHARS = 500;

const KEPT_HEAD = 300;
const KEPT_TAIL = 150;

/**
 * Messages often quote what was sent (an unknown id, a bad value): a 600 KB id must not come back
 * as a 600 KB answer, nor fill a client's log. The middle goes, since messages say what they are
 * about first and why last ("'/x/aaaa…' is exceeding the max param length").
 */
export function boundedMessage(message: string): string {
  if (message.length <= MAX_ERROR_MESSAGE_CHARS) return message;
  const left = message.length - KEPT_HEAD - KEPT_TAIL;
  return `${message.slice(0, KEPT_HEAD)} … (${left} characters left out) … ${message.slice(-KEPT_TAIL)}`;
}

/** Fastify's own 4xx (malformed JSON, body too large, wrong content type, bad URL) keep their message; the code loses its prefix. */
function frameworkRefusal(error: FastifyError): { code: string; message: string } {
  return { code: (error.code ?? 'bad_request').replace(/^FST_ERR_/, '').toLowerCase(), message: boundedMessage(error.message) };
}

/** One error shape for every route: `{ error: { code, message, fields? } }`. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      const message = boundedMessage(error.message);
      const body = error.fields?.length ? { code: error.code, message, fields: error.fields } : { code: error.code, message };
      return reply.status(error.statusCode).send({ error: body });
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send({ error: { code: 'internal', message: 'internal server error' } });
    }
    return reply.status(status).send({ error: frameworkRefusal(error) });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });
}

/**
 * For Fastify's `frameworkErrors` option: what the router refuses before any route or hook runs
 * (a URL whose percent-encoding does not decode, a path parameter past its length) would otherwise
 * be answered in Fastify's own shape, which no API client expects.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  request.log.debug({ err: error.message }, 'request refused by the router');
  void reply.status(status).send({ error: frameworkRefusal(error) });
}
