import rateLimit from '@fastify/rate-limit';
import { EnrollRequestSchema, EnrollmentTokenInputSchema, publicKeyFromBase64, type EnrollResponse } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { createEnrollmentToken } from '../auth/enrollment-tokens.js';
import { seesAllTenants, visibleTenants } from '../auth/caller.js';
import { hashSecret } from '../auth/secrets.js';
import { ApiError } from '../http/api-error.js';
import { parseOr400 } from '../http/validate.js';
import { newId } from '../store/ids.js';
import type { EnrollmentTokenRefusal } from '../store/tokens.js';
import { enrollmentTokenOwnership, namedTenant } from './ownership.js';

/** What a refused agent is told; only a holder of the token's secret learns when it expired. */
function refusalMessage(refusal: EnrollmentTokenRefusal): string {
  switch (refusal.reason) {
    case 'unknown': return 'enrollment token is not valid';
    case 'expired': return `enrollment token expired at ${new Date(refusal.expiresAt).toISOString()}`;
    case 'exhausted': return 'enrollment token has been used up';
    case 'revoked': return 'enrollment token has been revoked';
  }
}

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

  // Onboarding a new client in one command creates its tenant on the fly, which only an all-tenant
  // caller may do; anyone else names one of their existing tenants (a new site in it is fine).
  app.post('/api/v1/enrollment-tokens', {
    config: { auth: { permission: 'agents:manage', tenants: (request) => namedTenant(request.body, 'tenant') } },
  }, async (request, reply) => {
    const input = parseOr400(EnrollmentTokenInputSchema, request.body);
    const now = ctx.now();
    const created = ctx.store.transaction(() => {
      if (!seesAllTenants(request.caller!) && !ctx.store.tenants.getTenant(input.tenant)) throw ApiError.notFound('tenant', input.tenant);
      const ensured = ctx.store.tenants.ensureTenantAndSite(input.tenant, input.site, now);
      if (ensured.tenantCreated) {
        ctx.audit.record(request, { action: 'tenant.created', tenantId: input.tenant, target: { type: 'tenant', id: input.tenant }, after: { name: input.tenant } });
      }
      if (ensured.siteCreated) {
        ctx.audit.record(request, {
          action: 'site.created', tenantId: input.tenant, target: { type: 'site', id: `${input.tenant}/${input.site}` }, after: { name: input.site },
        });
      }
      const token = createEnrollmentToken(ctx.store, input, now);
      ctx.audit.record(request, {
        action: 'enrollment_token.created', tenantId: token.tenantId, target: { type: 'enrollment_token', id: token.id },
        after: { siteId: token.siteId, tags: token.tags, expiresAt: token.expiresAt, maxUses: token.maxUses },
      });
      return token;
    });
    request.log.info({ tenant: created.tenantId, site: created.siteId, tokenId: created.id }, 'enrollment token created');
    return reply.status(201).send(created);
  });

  app.get('/api/v1/enrollment-tokens', { config: { auth: { permission: 'agents:manage' } } }, async (request) => ({
    enrollmentTokens: ctx.store.tokens.listEnrollmentTokens(visibleTenants(request.caller!)),
  }));

  app.delete('/api/v1/enrollment-tokens/:id', {
    config: { auth: { permission: 'agents:manage', target: enrollmentTokenOwnership(ctx) } },
  }, async (request, reply) => {
    const { id } = parseOr400(z.object({ id: z.string().min(1) }), request.params, 'params');
    ctx.store.transaction(() => {
      const token = ctx.store.tokens.getEnrollmentToken(id);
      if (!token || !ctx.store.tokens.revokeEnrollmentToken(id, ctx.now())) throw ApiError.notFound('active enrollment token', id);
      ctx.audit.record(request, { action: 'enrollment_token.revoked', tenantId: token.tenantId, target: { type: 'enrollment_token', id } });
    });
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
    const agentId = newId('agt');
    // The token's use, the agent and its audit entry commit together: an agent that cannot be
    // stored leaves the use uncounted, so retrying with a single-use token still works.
    const redeemed = ctx.store.transaction(() => ctx.store.tokens.redeemEnrollmentToken(hashSecret(body.token), now, (token) => {
      ctx.store.agents.insert({
        id: agentId, tenantId: token.tenantId, siteId: token.siteId, hostname: body.hostname,
        os: { platform: body.os.platform, distro: body.os.distro, release: body.os.release, arch: body.os.arch },
        agentVersion: body.agentVersion, tags: token.tags, publicKey: body.publicKey, enrolledAt: now,
      });
      ctx.audit.recordAs({ type: 'agent', id: agentId, name: body.hostname, sourceIp: request.ip }, {
        action: 'agent.enrolled', tenantId: token.tenantId, target: { type: 'agent', id: agentId },
        after: { enrollmentTokenId: token.id, siteId: token.siteId },
      });
    }));
    if (!redeemed.ok) {
      await refusedTokens(request);
      request.log.warn({ reason: redeemed.reason, hostname: body.hostname, remote: request.ip }, 'enrollment refused');
      throw new ApiError(401, `enrollment_token_${redeemed.reason}`, refusalMessage(redeemed));
    }
    const { token } = redeemed;
    request.log.info({ agentId, tenant: token.tenantId, site: token.siteId, hostname: body.hostname }, 'agent enrolled');
    // The tenant's signing keys, pinned by the agent now: every later change must be signed by one of them.
    const current = ctx.trust.current(token.tenantId);
    const trust = current ? { document: current.document, signature: current.signature } : null;
    const response: EnrollResponse = { agentId, tenantId: token.tenantId, siteId: token.siteId, tags: token.tags, trust };
    return reply.status(201).send(response);
  });
}
