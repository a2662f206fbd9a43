import { AlertAckSchema, AlertActionSchema, AlertStateSchema, PrioritySchema, parseDuration } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { toPublicAlert } from '../alerts/to-public.js';
import { ApiError } from '../http/api-error.js';
import { visibleTenants } from '../auth/caller.js';
import { callerName } from '../http/authenticate.js';
import { parseOr400 } from '../http/validate.js';
import { alertOwnership, queryTenant } from './ownership.js';

const ListQuery = z.object({
  state: z.union([AlertStateSchema, z.literal('active')]).optional(),
  priority: PrioritySchema.optional(),
  tenant: z.string().optional(),
  agentId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
const IdParams = z.object({ id: z.string().min(1) });

export async function alertRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const alert = alertOwnership(ctx);

  app.get('/api/v1/alerts', { config: { auth: { permission: 'alerts:read', tenants: queryTenant } } }, async (request) => {
    const q = parseOr400(ListQuery, request.query, 'query');
    return { alerts: ctx.store.alerts.list({ ...q, tenantId: q.tenant, visibleTenants: visibleTenants(request.caller!) }).map(toPublicAlert) };
  });

  app.get('/api/v1/alerts/:id', { config: { auth: { permission: 'alerts:read', target: alert } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const record = ctx.store.alerts.get(id);
    if (!record) throw ApiError.notFound('alert', id);
    // The alert's agent is the caller's, but a job it started may have run on others too: only jobs the caller sees in full.
    return { ...toPublicAlert(record), jobs: ctx.store.jobs.list({ alertId: id, visibleTenants: visibleTenants(request.caller!) }) };
  });

  app.post('/api/v1/alerts/:id/ack', { config: { auth: { permission: 'alerts:act', target: alert } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const body = parseOr400(AlertAckSchema, request.body ?? {});
    const expiresInMs = body.expiresIn === undefined ? null : parseDuration(body.expiresIn);
    const acknowledged = ctx.store.transaction(() => {
      const after = ctx.alerts.acknowledge(id, callerName(request), body.comment ?? null, ctx.now(), expiresInMs);
      ctx.audit.record(request, {
        action: 'alert.acknowledged', tenantId: after.tenantId, target: { type: 'alert', id },
        after: { comment: after.comment, ackExpiresAt: after.ackExpiresAt },
      });
      return after;
    });
    return toPublicAlert(acknowledged);
  });

  app.post('/api/v1/alerts/:id/resolve', { config: { auth: { permission: 'alerts:act', target: alert } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const body = parseOr400(AlertActionSchema, request.body ?? {});
    const resolved = ctx.store.transaction(() => {
      const after = ctx.alerts.resolveByHand(id, callerName(request), body.comment ?? null, ctx.now());
      ctx.audit.record(request, { action: 'alert.resolved', tenantId: after.tenantId, target: { type: 'alert', id }, after: { comment: after.comment } });
      return after;
    });
    return toPublicAlert(resolved);
  });
}
