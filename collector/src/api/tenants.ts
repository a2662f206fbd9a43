import { SlugSchema } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import { parseOr400 } from '../http/validate.js';

const TenantInput = z.object({ id: SlugSchema, name: z.string().trim().min(1).max(200).optional() }).strict();
const SiteInput = z.object({ tenant: SlugSchema, id: SlugSchema, name: z.string().trim().min(1).max(200).optional() }).strict();

export async function tenantRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/tenants', async () => ({ tenants: ctx.store.tenants.listTenants() }));

  app.post('/api/v1/tenants', async (request, reply) => {
    const input = parseOr400(TenantInput, request.body);
    if (!ctx.store.tenants.createTenant(input.id, input.name ?? input.id, ctx.now())) {
      throw new ApiError(409, 'conflict', `tenant ${input.id} exists already`);
    }
    return reply.status(201).send(ctx.store.tenants.getTenant(input.id));
  });

  app.get('/api/v1/sites', async (request) => {
    const { tenant } = parseOr400(z.object({ tenant: z.string().optional() }), request.query, 'query');
    return { sites: ctx.store.tenants.listSites(tenant) };
  });

  app.post('/api/v1/sites', async (request, reply) => {
    const input = parseOr400(SiteInput, request.body);
    if (!ctx.store.tenants.getTenant(input.tenant)) throw new ApiError(400, 'invalid_body', `invalid body: tenant: tenant ${input.tenant} does not exist`);
    if (!ctx.store.tenants.createSite(input.tenant, input.id, input.name ?? input.id, ctx.now())) {
      throw new ApiError(409, 'conflict', `site ${input.tenant}/${input.id} exists already`);
    }
    return reply.status(201).send(ctx.store.tenants.getSite(input.tenant, input.id));
  });
}
