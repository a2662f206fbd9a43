import { MaintenanceWindowInputSchema, MaintenanceWindowPatchSchema, type MaintenanceWindow } from '@vigil/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { parseOr400 } from '../http/validate.js';
import { owningTenant, readableBy, windowOwnership } from './ownership.js';

const IdParams = z.object({ id: z.string().min(1) });

/** A window's tenant is its scope's; a window without one is MSP-wide. A PATCH that gives a scope replaces it whole. */
const scopeTenant = (request: FastifyRequest) => owningTenant(request.body, 'scope', 'tenant');
const changedScopeTenant = (request: FastifyRequest) =>
  typeof request.body === 'object' && request.body !== null && Object.hasOwn(request.body, 'scope') ? scopeTenant(request) : [];

/** What the audit log keeps of a window. */
const audited = ({ id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...kept }: MaintenanceWindow): unknown => kept;

/** Maintenance windows: alerts of the agents inside one are recorded but held back until it ends. */
export async function maintenanceWindowRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { maintenance } = ctx;
  const window = windowOwnership(ctx);

  app.get('/api/v1/maintenance-windows', { config: { auth: { permission: 'maintenance:read' } } }, async (request) => {
    const now = ctx.now();
    return { windows: maintenance.list().filter((w) => readableBy(request.caller!, w.scope.tenant)).map((w) => maintenance.view(w, now)) };
  });

  app.post('/api/v1/maintenance-windows', { config: { auth: { permission: 'maintenance:write', tenants: scopeTenant } } }, async (request, reply) => {
    const now = ctx.now();
    const created = maintenance.create(parseOr400(MaintenanceWindowInputSchema, request.body), now, (w) => ctx.audit.record(request, {
      action: 'maintenance_window.created', tenantId: w.scope.tenant ?? null, target: { type: 'maintenance_window', id: w.id }, after: audited(w),
    }));
    request.log.info({ windowId: created.id, kind: created.kind, by: request.caller?.name }, 'maintenance window created');
    return reply.status(201).send(maintenance.view(created, now));
  });

  app.get('/api/v1/maintenance-windows/:id', { config: { auth: { permission: 'maintenance:read', target: window } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    return maintenance.view(maintenance.get(id), ctx.now());
  });

  app.patch('/api/v1/maintenance-windows/:id', {
    config: { auth: { permission: 'maintenance:write', target: window, tenants: changedScopeTenant } },
  }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const now = ctx.now();
    const changed = maintenance.patch(id, parseOr400(MaintenanceWindowPatchSchema, request.body), now, (after, before) => ctx.audit.record(request, {
      action: 'maintenance_window.updated', tenantId: after.scope.tenant ?? null, target: { type: 'maintenance_window', id },
      before: audited(before), after: audited(after),
    }));
    request.log.info({ windowId: id, by: request.caller?.name }, 'maintenance window changed');
    return maintenance.view(changed, now);
  });

  app.delete('/api/v1/maintenance-windows/:id', { config: { auth: { permission: 'maintenance:write', target: window } } }, async (request, reply) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    maintenance.delete(id, ctx.now(), (w) => ctx.audit.record(request, {
      action: 'maintenance_window.deleted', tenantId: w.scope.tenant ?? null, target: { type: 'maintenance_window', id }, before: audited(w),
    }));
    request.log.info({ windowId: id, by: request.caller?.name }, 'maintenance window deleted');
    return reply.status(204).send();
  });
}
