import { AlertAckSchema, AlertActionSchema, AlertStateSchema, PrioritySchema, parseDuration } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { toPublicAlert } from '../alerts/to-public.js';
import { ApiError } from '../http/api-error.js';
import { callerName } from '../http/authenticate.js';
import { parseOr400 } from '../http/validate.js';

const ListQuery = z.object({
  state: z.union([AlertStateSchema, z.literal('active')]).optional(),
  priority: PrioritySchema.optional(),
  tenant: z.string().optional(),
  agentId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
const IdParams = z.object({ id: z.string().min(1) });

export async function alertRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/alerts', async (request) => {
    const q = parseOr400(ListQuery, request.query, 'query');
    return { alerts: ctx.store.alerts.list({ ...q, tenantId: q.tenant }).map(toPublicAlert) };
  });

  app.get('/api/v1/alerts/:id', async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const alert = ctx.store.alerts.get(id);
    if (!alert) throw ApiError.notFound('alert', id);
    return { ...toPublicAlert(alert), jobs: ctx.store.jobs.list({ alertId: id }) };
  });

  app.post('/api/v1/alerts/:id/ack', async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const body = parseOr400(AlertAckSchema, request.body ?? {});
    const expiresInMs = body.expiresIn === undefined ? null : parseDuration(body.expiresIn);
    return toPublicAlert(ctx.alerts.acknowledge(id, callerName(request), body.comment ?? null, ctx.now(), expiresInMs));
  });

  app.post('/api/v1/alerts/:id/resolve', async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const body = parseOr400(AlertActionSchema, request.body ?? {});
    return toPublicAlert(ctx.alerts.resolveByHand(id, callerName(request), body.comment ?? null, ctx.now()));
  });
}
