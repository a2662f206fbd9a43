import rateLimit from '@fastify/rate-limit';
import { EnrollRequestSchema, EnrollmentTokenInputSchema, publicKeyFromBase64, type EnrollResponse } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { createEnrollmentToken } from '../auth/enrollment-tokens.js';
import { hashSecret } from '../auth/secrets.js';
import { ApiError } from '../http/api-error.js';
import { parseOr400 } from '../http/validate.js';
import { newId } from '../store/ids.js';

const REFUSALS = {
  unknown: 'enrollment token is not valid',
  expired: 'enrollment token has expired',
  exhausted: 'enrollment token has been used up',
  revoked: 'enrollment token has been revoked',
} as const;

/**
 * Limits on the one public write, per client address (IPv6 by /64; behind a proxy that is the
 * proxy's unless it is trusted). Refused tokens are what a brute force produces, so they are
 * counted strictly; any attempt counts towards a cap that a rollout of thousands of agents from
 * one NAT address (or the load simulator on loopback) stays under.
 */
export const ENROLLMENT_LIMITS = {
  /** Refused enrollment tokens per address and window; past it every attempt waits for the window. */
  failures: { max: 20, timeWindowMs: 5 * 60_000 },
  /** All attempts per address and window. */
  attempts: { max: 6000, timeWindowMs: 60_000 },
} as const;

export async function enrollmentRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ApiError(context.statusCode, 'rate_limited', `too many enrollment attempts from this address; retry in ${context.after}`),
  });
  const refusedTokens = app.createRateLimit({ max: ENROLLMENT_LIMITS.failures.max, timeWindow: ENROLLMENT_LIMITS.failures.timeWindowMs });

  app.post('/api/v1/enrollment-tokens', async (request, reply) => {
    const input = parseOr400(EnrollmentTokenInputSchema, request.body);
    const created = createEnrollmentToken(ctx.store, input, ctx.now());
    request.log.info({ tenant: created.tenantId, site: created.siteId, tokenId: created.id }, 'enrollment token created');
    return reply.status(201).send(created);
  });

  app.get('/api/v1/enrollment-tokens', async () => ({ enrollmentTokens: ctx.store.tokens.listEnrollmentTokens() }));

  app.delete('/api/v1/enrollment-tokens/:id', async (request, reply) => {
    const { id } = parseOr400(z.object({ id: z.string().min(1) }), request.params, 'params');
    if (!ctx.store.tokens.revokeEnrollmentToken(id, ctx.now())) throw ApiError.notFound('active enrollment token', id);
    request.log.info({ tokenId: id, by: request.caller?.name }, 'enrollment token revoked');
    return reply.status(204).send();
  });

  // The one public write: an agent trades an enrollment token for an identity bound to its key.
  app.post('/api/v1/agents/enroll', {
    config: { public: true, rateLimit: { max: ENROLLMENT_LIMITS.attempts.max, timeWindow: ENROLLMENT_LIMITS.attempts.timeWindowMs } },
  }, async (request, reply) => {
    const failures = await refusedTokens(request, { increment: false });
    if (!failures.isAllowed && failures.remaining === 0) {
      reply.header('retry-after', failures.ttlInSeconds);
      request.log.warn({ remote: request.ip }, 'enrollment refused: too many refused tokens from this address');
      throw new ApiError(429, 'rate_limited', `too many refused enrollment tokens from this address; retry in ${failures.ttlInSeconds} s`);
    }
    const body = parseOr400(EnrollRequestSchema, request.body);
    try {
      publicKeyFromBase64(body.publicKey);
    } catch (err) {
      throw new ApiError(400, 'invalid_body', `invalid body: publicKey: ${(err as Error).message}`);
    }
    const now = ctx.now();
    const use = ctx.store.tokens.useEnrollmentToken(hashSecret(body.token), now);
    if (!use.ok) {
      await refusedTokens(request);
      request.log.warn({ reason: use.reason, hostname: body.hostname, remote: request.ip }, 'enrollment refused');
      throw new ApiError(401, `enrollment_token_${use.reason}`, REFUSALS[use.reason]);
    }
    const { token } = use;
    const agentId = newId('agt');
    ctx.store.agents.insert({
      id: agentId, tenantId: token.tenantId, siteId: token.siteId, hostname: body.hostname,
      os: { platform: body.os.platform, distro: body.os.distro, release: body.os.release, arch: body.os.arch },
      agentVersion: body.agentVersion, tags: token.tags, publicKey: body.publicKey, enrolledAt: now,
    });
    request.log.info({ agentId, tenant: token.tenantId, site: token.siteId, hostname: body.hostname }, 'agent enrolled');
    const response: EnrollResponse = { agentId, tenantId: token.tenantId, siteId: token.siteId, tags: token.tags };
    return reply.status(201).send(response);
  });
}
