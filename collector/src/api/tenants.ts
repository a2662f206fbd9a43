import { SlugSchema } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { visibleTenants } from '../auth/caller.js';
import { ApiError } from '../http/api-error.js';
import { parseOr400 } from '../http/validate.js';
import type { SiteRow, TenantReferences, TenantRow } from '../store/tenants.js';
import { namedTenant, queryTenant, tenantOwnership } from './ownership.js';

const Name = z.string().trim().min(1).max(200);
const TenantInput = z.object({ id: SlugSchema, name: Name.optional() }).strict();
const SiteInput = z.object({ tenant: SlugSchema, id: SlugSchema, name: Name.optional() }).strict();
const NamePatch = z.object({ name: Name }).strict();
const TenantParams = z.object({ id: z.string().min(1) });
const SiteParams = z.object({ tenant: z.string().min(1), id: z.string().min(1) });

const REFERENCE_NAMES: Record<keyof TenantReferences, string> = {
  agents: 'agents (revoked ones included)', rules: 'rules', maintenanceWindows: 'maintenance windows',
  notificationChannels: 'notification channels', scripts: 'scripts', runbooks: 'runbooks', users: 'users',
};

/** "2 agents (revoked ones included), 1 rules": what keeps a tenant from being deleted, or '' when nothing does. */
function describeReferences(references: TenantReferences): string {
  return (Object.keys(REFERENCE_NAMES) as Array<keyof TenantReferences>)
    .filter((key) => references[key] > 0)
    .map((key) => `${references[key]} ${REFERENCE_NAMES[key]}`)
    .join(', ');
}

/** Tenants (the MSP's clients) and their sites. Creating and deleting tenants is the owner's; a tenant's admin names and organizes it. */
export async function tenantRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { tenants } = ctx.store;
  const tenantOf = tenantOwnership('id');
  const siteTenant = tenantOwnership('tenant');
  const requireTenant = (id: string): TenantRow => {
    const row = tenants.getTenant(id);
    if (!row) throw ApiError.notFound('tenant', id);
    return row;
  };
  const requireSite = (tenantId: string, id: string): SiteRow => {
    const row = tenants.getSite(tenantId, id);
    if (!row) throw ApiError.notFound('site', `${tenantId}/${id}`);
    return row;
  };
  const siteTarget = (tenantId: string, id: string) => ({ type: 'site', id: `${tenantId}/${id}` });

  app.get('/api/v1/tenants', { config: { auth: { permission: 'tenants:read' } } }, async (request) => ({
    tenants: tenants.listTenants(visibleTenants(request.caller!)),
  }));

  app.post('/api/v1/tenants', { config: { auth: { permission: 'tenants:create' } } }, async (request, reply) => {
    const input = parseOr400(TenantInput, request.body);
    const name = input.name ?? input.id;
    ctx.store.transaction(() => {
      if (!tenants.createTenant(input.id, name, ctx.now())) throw new ApiError(409, 'conflict', `tenant ${input.id} exists already`);
      ctx.audit.record(request, { action: 'tenant.created', tenantId: input.id, target: { type: 'tenant', id: input.id }, after: { name } });
    });
    return reply.status(201).send(tenants.getTenant(input.id));
  });

  app.get('/api/v1/tenants/:id', { config: { auth: { permission: 'tenants:read', target: tenantOf } } }, async (request) => {
    const { id } = parseOr400(TenantParams, request.params, 'params');
    return requireTenant(id);
  });

  app.patch('/api/v1/tenants/:id', { config: { auth: { permission: 'tenants:write', target: tenantOf } } }, async (request) => {
    const { id } = parseOr400(TenantParams, request.params, 'params');
    const { name } = parseOr400(NamePatch, request.body);
    ctx.store.transaction(() => {
      const before = requireTenant(id);
      tenants.renameTenant(id, name);
      ctx.audit.record(request, { action: 'tenant.updated', tenantId: id, target: { type: 'tenant', id }, before: { name: before.name }, after: { name } });
    });
    return requireTenant(id);
  });

  app.delete('/api/v1/tenants/:id', { config: { auth: { permission: 'tenants:create', target: tenantOf } } }, async (request, reply) => {
    const { id } = parseOr400(TenantParams, request.params, 'params');
    ctx.store.transaction(() => {
      const before = requireTenant(id);
      const blockers = describeReferences(tenants.references(id));
      if (blockers) throw new ApiError(409, 'conflict', `tenant ${id} is still in use: ${blockers}`);
      const sites = tenants.listSites(id).map((s) => s.id);
      // Resets the cached SLA policy too, so that a tenant created again under this id starts from the defaults.
      if (ctx.store.sla.getPolicy(id)) ctx.slaPolicies.save(id, {}, ctx.now());
      tenants.deleteTenant(id);
      ctx.audit.record(request, { action: 'tenant.deleted', tenantId: id, target: { type: 'tenant', id }, before: { name: before.name, sites } });
    });
    request.log.info({ tenant: id, by: request.caller?.name }, 'tenant deleted');
    return reply.status(204).send();
  });

  app.get('/api/v1/sites', { config: { auth: { permission: 'tenants:read', tenants: queryTenant } } }, async (request) => {
    const { tenant } = parseOr400(z.object({ tenant: z.string().optional() }), request.query, 'query');
    return { sites: tenants.listSites(tenant, visibleTenants(request.caller!)) };
  });

  app.post('/api/v1/sites', {
    config: { auth: { permission: 'tenants:write', tenants: (request) => namedTenant(request.body, 'tenant') } },
  }, async (request, reply) => {
    const input = parseOr400(SiteInput, request.body);
    const name = input.name ?? input.id;
    if (!tenants.getTenant(input.tenant)) throw new ApiError(400, 'invalid_body', `invalid body: tenant: tenant ${input.tenant} does not exist`);
    ctx.store.transaction(() => {
      if (!tenants.createSite(input.tenant, input.id, name, ctx.now())) throw new ApiError(409, 'conflict', `site ${input.tenant}/${input.id} exists already`);
      ctx.audit.record(request, { action: 'site.created', tenantId: input.tenant, target: siteTarget(input.tenant, input.id), after: { name } });
    });
    return reply.status(201).send(tenants.getSite(input.tenant, input.id));
  });

  app.get('/api/v1/tenants/:tenant/sites/:id', { config: { auth: { permission: 'tenants:read', target: siteTenant } } }, async (request) => {
    const { tenant, id } = parseOr400(SiteParams, request.params, 'params');
    return requireSite(tenant, id);
  });

  app.patch('/api/v1/tenants/:tenant/sites/:id', { config: { auth: { permission: 'tenants:write', target: siteTenant } } }, async (request) => {
    const { tenant, id } = parseOr400(SiteParams, request.params, 'params');
    const { name } = parseOr400(NamePatch, request.body);
    ctx.store.transaction(() => {
      const before = requireSite(tenant, id);
      tenants.renameSite(tenant, id, name);
      ctx.audit.record(request, { action: 'site.updated', tenantId: tenant, target: siteTarget(tenant, id), before: { name: before.name }, after: { name } });
    });
    return requireSite(tenant, id);
  });

  app.delete('/api/v1/tenants/:tenant/sites/:id', { config: { auth: { permission: 'tenants:write', target: siteTenant } } }, async (request, reply) => {
    const { tenant, id } = parseOr400(SiteParams, request.params, 'params');
    ctx.store.transaction(() => {
      const before = requireSite(tenant, id);
      const agents = tenants.siteAgentCount(tenant, id);
      if (agents > 0) throw new ApiError(409, 'conflict', `site ${tenant}/${id} is still in use: ${agents} agents (revoked ones included)`);
      tenants.deleteSite(tenant, id);
      ctx.audit.record(request, { action: 'site.deleted', tenantId: tenant, target: siteTarget(tenant, id), before: { name: before.name } });
    });
    request.log.info({ tenant, site: id, by: request.caller?.name }, 'site deleted');
    return reply.status(204).send();
  });
}
