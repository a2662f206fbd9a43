import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.js';

/** Fatal: a byte sequence that is not UTF-8 is refused instead of being stored as U+FFFD. A BOM stays (and JSON refuses it). */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The charset a Content-Type header names, lower-cased; undefined when it names none. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

/**
 * JSON bodies are UTF-8 (RFC 8259) and nothing else. Fastify's default parser decodes whatever
 * arrives as UTF-8 leniently, so invalid bytes, or text declared in another charset, reach the
 * routes as replacement characters and are stored mangled. This parser refuses both, and keeps the
 * default parser's refusal of `__proto__` and `constructor.prototype` keys at any depth.
 */
export function installJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new ApiError(415, 'unsupported_charset', `charset ${JSON.stringify(charset)} is not supported: send JSON as UTF-8`), undefined);
      return;
    }
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new ApiError(400, 'invalid_utf8', 'body is not valid UTF-8: send JSON as UTF-8'), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
