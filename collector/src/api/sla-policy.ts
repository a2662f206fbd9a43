import { SlaPolicyInputSchema } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { parseOr400 } from '../http/validate.js';
import { tenantOwnership } from './ownership.js';

const TenantParams = z.object({ id: z.string().min(1) });

/** A tenant's SLA policy: the effective one (defaults merged with its overrides) and the overrides. */
export async function slaPolicyRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const tenant = tenantOwnership('id');

  app.get('/api/v1/tenants/:id/sla-policy', { config: { auth: { permission: 'sla:read', target: tenant } } }, async (request) => {
    const { id } = parseOr400(TenantParams, request.params, 'params');
    return ctx.slaPolicies.describe(id);
  });

  app.put('/api/v1/tenants/:id/sla-policy', { config: { auth: { permission: 'sla:write', target: tenant } } }, async (request) => {
    const { id } = parseOr400(TenantParams, request.params, 'params');
    const input = parseOr400(SlaPolicyInputSchema, request.body);
    const saved = ctx.store.transaction(() => {
      const before = ctx.slaPolicies.describe(id).overrides;
      const after = ctx.slaPolicies.save(id, input, ctx.now());
      ctx.audit.record(request, { action: 'sla_policy.updated', tenantId: id, target: { type: 'sla_policy', id }, before, after: after.overrides });
      return after;
    });
    request.log.info({ tenant: id, by: request.caller?.name }, 'SLA policy changed');
    return saved;
  });
}
