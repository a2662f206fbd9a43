import { MaintenanceWindowInputSchema, MaintenanceWindowPatchSchema } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { parseOr400 } from '../http/validate.js';

const IdParams = z.object({ id: z.string().min(1) });

/** Maintenance windows: alerts of the agents inside one are recorded but held back until it ends. */
export async function maintenanceWindowRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { maintenance } = ctx;

  app.get('/api/v1/maintenance-windows', async () => {
    const now = ctx.now();
    return { windows: maintenance.list().map((w) => maintenance.view(w, now)) };
  });

  app.post('/api/v1/maintenance-windows', async (request, reply) => {
    const now = ctx.now();
    const window = maintenance.create(parseOr400(MaintenanceWindowInputSchema, request.body), now);
    request.log.info({ windowId: window.id, kind: window.kind, by: request.caller?.name }, 'maintenance window created');
    return reply.status(201).send(maintenance.view(window, now));
  });

  app.get('/api/v1/maintenance-windows/:id', async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    return maintenance.view(maintenance.get(id), ctx.now());
  });

  app.patch('/api/v1/maintenance-windows/:id', async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const now = ctx.now();
    const window = maintenance.patch(id, parseOr400(MaintenanceWindowPatchSchema, request.body), now);
    request.log.info({ windowId: id, by: request.caller?.name }, 'maintenance window changed');
    return maintenance.view(window, now);
  });

  app.delete('/api/v1/maintenance-windows/:id', async (request, reply) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    maintenance.delete(id, ctx.now());
    request.log.info({ windowId: id, by: request.caller?.name }, 'maintenance window deleted');
    return reply.status(204).send();
  });
}
