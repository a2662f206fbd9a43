import { SignedTrustSchema } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import { callerName } from '../http/authenticate.js';
import { parseOr400 } from '../http/validate.js';
import { tenantOwnership } from './ownership.js';

const TenantParams = z.object({ id: z.string().min(1) });

/**
 * A tenant's trust document: the keys its agents accept script signatures from. Uploaded as
 * signed by an administrator; the collector accepts a version only if a key of the current one
 * signed it, and relays it to the tenant's agents, which check the same before pinning it.
 */
export async function trustRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/tenants/:id/trust', { config: { auth: { permission: 'scripts:read', target: tenantOwnership() } } }, async (request) => {
    const { id } = parseOr400(TenantParams, request.params, 'params');
    const current = ctx.trust.current(id);
    if (!current) throw new ApiError(404, 'not_found', `tenant ${id} has no trust document`);
    return current;
  });

  app.put('/api/v1/tenants/:id/trust', { config: { auth: { permission: 'scripts:write', target: tenantOwnership() } } }, async (request) => {
    const { id } = parseOr400(TenantParams, request.params, 'params');
    const next = parseOr400(SignedTrustSchema, request.body);
    if (!ctx.store.tenants.getTenant(id)) throw ApiError.notFound('tenant', id);
    const stored = ctx.trust.update(id, next, callerName(request), ctx.now(), (saved, previous) => ctx.audit.record(request, {
      action: 'trust.updated', tenantId: id, target: { type: 'tenant', id },
      before: previous ? { version: previous.document.version, keyIds: previous.document.keys.map((k) => k.keyId) } : null,
      after: { version: saved.document.version, keyIds: saved.document.keys.map((k) => k.keyId), signer: saved.signature.keyId },
    }));
    request.log.info({ tenant: id, version: stored.document.version, by: request.caller?.name }, 'trust document updated');
    return stored;
  });
}
