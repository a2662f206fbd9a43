import { SlaPolicyInputSchema } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { parseOr400 } from '../http/validate.js';

const TenantParams = z.object({ id: z.string().min(1) });

/** A tenant's SLA policy: the effective one (defaults merged with its overrides) and the overrides. */
export async function slaPolicyRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/tenants/:id/sla-policy', async (request) => {
    const { id } = parseOr400(TenantParams, request.params, 'params');
    return ctx.slaPolicies.describe(id);
  });

  app.put('/api/v1/tenants/:id/sla-policy', async (request) => {
    const { id } = parseOr400(TenantParams, request.params, 'params');
    const saved = ctx.slaPolicies.save(id, parseOr400(SlaPolicyInputSchema, request.body), ctx.now());
    request.log.info({ tenant: id, by: request.caller?.name }, 'SLA policy changed');
    return saved;
  });
}
