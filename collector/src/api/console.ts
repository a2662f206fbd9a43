import { CONSOLE_PAGE_PATHS } from '@vigil/shared';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../app-context.js';

/**
 * Where `build-console` writes the bundle: collector/dist/console-assets, found the same way from
 * the compiled module (dist/api) and from the sources (src/api, when tests run them directly).
 */
export const CONSOLE_ASSETS_DIR = fileURLToPath(new URL('../../dist/console-assets/', import.meta.url));

export const CONSOLE_CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/** Names esbuild gave a content hash (app-ABCD1234.js): safe to cache for good. */
const HASHED = /-[A-Z0-9]{8}\.(js|css)(\.map)?$/;
const ASSET_NAME = /^[A-Za-z0-9_.-]+$/;

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}

/**
 * The web console: the built index.html at `/` and each page path, and the bundle under `/assets/`. Both are public;
 * the page authenticates with a session token it keeps in sessionStorage.
 */
export async function consoleRoutes(app: FastifyInstance, _ctx: AppContext, assetsDir = CONSOLE_ASSETS_DIR): Promise<void> {
  const servePage = async (_request: unknown, reply: FastifyReply) => {
    const index = join(assetsDir, 'index.html');
    secure(reply).header('cache-control', 'no-cache');
    if (!existsSync(index)) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web console has not been built. Run `pnpm run build` (or `node collector/dist/console/build-console.js`) and reload.\n');
    }
    return reply.type(CONTENT_TYPES['.html']!).send(readFileSync(index));
  };
  // Each page fetches its data with the user's token; the page itself is public.
  for (const path of CONSOLE_PAGE_PATHS) app.get(path, { config: { public: true } }, servePage);

  app.get<{ Params: { name: string } }>('/assets/:name', { config: { public: true } }, async (request, reply) => {
    const { name } = request.params;
    const type = CONTENT_TYPES[extname(name)];
    const known = ASSET_NAME.test(name) && !name.startsWith('.') && type !== undefined && name !== 'index.html' && existsSync(assetsDir) && readdirSync(assetsDir).includes(name);
    secure(reply);
    if (!known) return reply.status(404).send({ error: { code: 'not_found', message: `no console asset ${name}` } });
    reply.header('cache-control', HASHED.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.type(type).send(readFileSync(join(assetsDir, name)));
  });
}
