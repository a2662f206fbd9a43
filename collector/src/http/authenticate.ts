import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callerFor, type Caller } from '../auth/caller.js';
import { hashSecret } from '../auth/secrets.js';
import type { Store } from '../store/index.js';
import { ApiError } from './api-error.js';

export type { Caller } from '../auth/caller.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** Routes that answer without a bearer token (health, agent enrollment, login). */
    public?: boolean;
    /** Routes that may take the token as ?token= (browsers cannot set headers on a WebSocket). */
    tokenInQuery?: boolean;
  }
}

function bearerFrom(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1];
  }
  if (request.routeOptions.config.tokenInQuery) {
    const token = (request.query as Record<string, unknown> | undefined)?.token;
    return typeof token === 'string' ? token : undefined;
  }
  return undefined;
}

/** A token's last use is written at most this often: a busy script must not turn every read into a write. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Every route requires a valid token unless its config says `public: true`; the caller (user,
 * role, tenants, permissions) is looked up afresh on each request. What the caller may do is
 * decided by authorize.ts.
 */
export function installAuthentication(app: FastifyInstance, store: Store, now: () => number): void {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public || !request.routeOptions.url) return;
    const secret = bearerFrom(request);
    if (!secret) throw new ApiError(401, 'unauthorized', 'missing bearer token: send Authorization: Bearer <token>');
    const token = store.tokens.findApiTokenByHash(hashSecret(secret));
    const user = token?.userId ? store.users.get(token.userId) : undefined;
    const at = now();
    const caller = callerFor(token, user, at);
    if ('refused' in caller) throw new ApiError(401, 'unauthorized', caller.refused);
    if (token!.lastUsedAt === null || at - token!.lastUsedAt >= TOUCH_EVERY_MS) store.tokens.touchApiToken(token!.id, at);
    request.caller = caller;
  });
}

export function callerName(request: FastifyRequest): string {
  return request.caller?.name ?? 'anonymous';
}
