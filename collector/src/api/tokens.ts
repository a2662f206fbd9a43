import rateLimit from '@fastify/rate-limit';
import { TokenInputSchema, TokenKindSchema } from '@vigil/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { childTokenLifetime, grantableScopes, issueToken, publicToken, tokenLifetime } from '../auth/token-service.js';
import { auditTenantOf } from '../auth/user-view.js';
import { ApiError } from '../http/api-error.js';
import { stringField, type Ownership } from '../http/authorize.js';
import { parseOr400 } from '../http/validate.js';
import { userOwnership } from './users.js';

/** Token creations per client address and minute. */
export const TOKEN_CREATION_RATE_LIMIT = { max: 30, timeWindow: 60_000 } as const;

const ListQuery = z.object({ user: z.string().min(1).optional(), kind: TokenKindSchema.optional() });
const IdParams = z.object({ id: z.string().min(1) });

/**
 * Personal API tokens (and the sessions logins open). A user manages their own; someone else's
 * takes users:read or users:write and seeing that user, which the route declarations check.
 */
export async function tokenRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ApiError(context.statusCode, 'rate_limited', `too many tokens created from this address; retry in ${context.after}`),
  });

  /** A user's tokens are owned by the user, and within the user's tenants; the bootstrap token is an owner's. */
  const ownershipOf = (userId: string | null, label: string): Ownership | undefined => {
    if (userId === null) return { label, tenants: ['*'] };
    const user = ctx.store.users.get(userId);
    return user && { ...userOwnership(user), label, ownerUserId: user.id };
  };
  const listedUser = (request: FastifyRequest): Ownership | undefined => {
    const userId = stringField(request.query, 'user');
    return userId === undefined ? undefined : ownershipOf(userId, `user ${userId}`);
  };
  const namedToken = (request: FastifyRequest): Ownership | undefined => {
    const id = stringField(request.params, 'id');
    const token = id === undefined ? undefined : ctx.store.tokens.getApiToken(id);
    return token && ownershipOf(token.userId, `token ${token.id}`);
  };

  // Live tokens only (neither revoked nor expired); secrets are never stored, so never listed.
  app.get('/api/v1/tokens', { config: { auth: { permission: 'tokens:read', target: listedUser } } }, async (request) => {
    const q = parseOr400(ListQuery, request.query, 'query');
    if (q.user !== undefined && !ctx.store.users.get(q.user)) throw ApiError.notFound('user', q.user);
    const now = ctx.now();
    const tokens = ctx.store.tokens.listApiTokens(q.user ?? request.caller!.userId, q.kind)
      .filter((t) => t.revokedAt === null && (t.expiresAt === null || t.expiresAt > now));
    return { tokens: tokens.map(publicToken) };
  });

  app.post('/api/v1/tokens', { config: { auth: { permission: 'tokens:write' }, rateLimit: TOKEN_CREATION_RATE_LIMIT } }, async (request, reply) => {
    const caller = request.caller!;
    const input = parseOr400(TokenInputSchema, request.body);
    if (caller.userId === null) throw new ApiError(400, 'no_user', 'this token has no user (the bootstrap admin token): personal tokens belong to users; log in as one');
    const user = ctx.store.users.get(caller.userId)!;
    const scopes = grantableScopes(caller, input.scopes);
    const lifetimeMs = childTokenLifetime(caller, tokenLifetime(input.expiresIn), ctx.now());
    const issued = ctx.store.transaction(() => {
      const token = issueToken(ctx.store, { user, kind: 'api', name: input.name, scopes, lifetimeMs, now: ctx.now() });
      ctx.audit.record(request, {
        action: 'token.created', tenantId: auditTenantOf(user), target: { type: 'token', id: token.id },
        after: { name: token.name, scopes: token.scopes, expiresAt: token.expiresAt },
      });
      return token;
    });
    request.log.info({ tokenId: issued.id, user: user.username, scopes }, 'API token created');
    return reply.status(201).send(issued);
  });

  // Takes effect on the very next request, and closes the token's live alert streams at once.
  app.delete('/api/v1/tokens/:id', { config: { auth: { permission: 'tokens:write', target: namedToken } } }, async (request, reply) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const token = ctx.store.tokens.getApiToken(id);
    if (!token || token.revokedAt !== null) throw ApiError.notFound('active token', id);
    const owner = token.userId === null ? undefined : ctx.store.users.get(token.userId);
    ctx.store.transaction(() => {
      if (!ctx.store.tokens.revokeApiToken(id, ctx.now())) throw ApiError.notFound('active token', id);
      ctx.audit.record(request, {
        action: 'token.revoked', tenantId: auditTenantOf(owner), target: { type: 'token', id },
        before: { name: token.name, kind: token.kind, userId: token.userId },
      });
      ctx.store.afterCommit(() => ctx.tokenRevocations.revoked([id]));
    });
    request.log.info({ tokenId: id, by: request.caller!.name }, 'token revoked');
    return reply.status(204).send();
  });
}
