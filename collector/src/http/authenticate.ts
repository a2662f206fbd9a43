import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../store/index.js';
import { hashSecret } from '../auth/secrets.js';
import { ApiError } from './api-error.js';

export interface Caller { tokenId: string; name: string; role: string }

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** Routes that answer without a bearer token (health, agent enrollment). */
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

/** Every route requires a valid API token unless its config says `public: true`. */
export function installAuthentication(app: FastifyInstance, store: Store): void {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public || !request.routeOptions.url) return;
    const token = bearerFrom(request);
    if (!token) throw new ApiError(401, 'unauthorized', 'missing bearer token: send Authorization: Bearer <token>');
    const row = store.tokens.findApiTokenByHash(hashSecret(token));
    if (!row || row.revokedAt !== null) throw new ApiError(401, 'unauthorized', 'invalid or revoked API token');
    request.caller = { tokenId: row.id, name: row.name, role: row.role };
  });
}

export function callerName(request: FastifyRequest): string {
  return request.caller?.name ?? 'anonymous';
}
