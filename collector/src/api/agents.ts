import { CloseCode, OsPlatformSchema, TimeBoundSchema, type Agent, type AgentDetail } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { visibleTenants } from '../auth/caller.js';
import { ApiError } from '../http/api-error.js';
import { callerName } from '../http/authenticate.js';
import { parseOr400 } from '../http/validate.js';
import type { AgentRow } from '../store/index.js';
import { liveView } from './agent-liveness.js';
import { agentOwnership, queryTenant } from './ownership.js';

const ListQuery = z.object({
  tenant: z.string().optional(),
  site: z.string().optional(),
  tag: z.string().optional(),
  os: OsPlatformSchema.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  offset: z.coerce.number().int().min(0).default(0),
});

const TelemetryQuery = z.object({
  metric: z.string().max(128).optional(),
  since: TimeBoundSchema.optional(),
  until: TimeBoundSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
});

const IdParams = z.object({ id: z.string().min(1) });

export async function agentRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const toApi = (row: AgentRow): Agent => {
    const { publicKey: _publicKey, ...rest } = row;
    return { ...rest, ...liveView(ctx, row) };
  };
  const requireAgent = (id: string): AgentRow => {
    const row = ctx.store.agents.get(id);
    if (!row) throw ApiError.notFound('agent', id);
    return row;
  };

  const agent = agentOwnership(ctx);

  app.get('/api/v1/agents', {
    config: { auth: { permission: 'agents:read', tenants: queryTenant } },
  }, async (request) => {
    const q = parseOr400(ListQuery, request.query, 'query');
    return {
      agents: ctx.store.agents.list({
        tenantId: q.tenant, siteId: q.site, tag: q.tag, platform: q.os, visibleTenants: visibleTenants(request.caller!), limit: q.limit, offset: q.offset,
      }).map(toApi),
    };
  });

  app.get('/api/v1/agents/:id', { config: { auth: { permission: 'agents:read', target: agent } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const detail: AgentDetail = { ...toApi(requireAgent(id)), ...ctx.store.agents.getLatestReport(id) };
    return detail;
  });

  // Revocation takes effect at once: the live connection closes and the identity is refused. A
  // revoked endpoint is no longer managed: its unresolved alerts are resolved in the same
  // transaction (and published once it commits), and liveness stops watching it.
  app.delete('/api/v1/agents/:id', { config: { auth: { permission: 'agents:manage', target: agent } } }, async (request, reply) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const row = requireAgent(id);
    const by = callerName(request);
    const at = ctx.now();
    const alertsResolved = ctx.store.transaction(() => {
      if (!ctx.store.agents.revoke(id, at)) throw new ApiError(409, 'conflict', `agent ${id} is already revoked`);
      const resolved = ctx.alerts.resolveAgentAlerts(id, `${by} (agent revoked)`, at);
      ctx.audit.record(request, {
        action: 'agent.revoked', tenantId: row.tenantId, target: { type: 'agent', id },
        before: { hostname: row.hostname, siteId: row.siteId }, after: { alertsResolved: resolved },
      });
      return resolved;
    });
    ctx.liveness.forget(id);
    ctx.registry.get(id)?.close(CloseCode.revoked, 'agent revoked');
    request.log.info({ agentId: id, tenant: row.tenantId, by, alertsResolved }, 'agent revoked');
    return reply.status(204).send();
  });

  app.get('/api/v1/agents/:id/telemetry', { config: { auth: { permission: 'agents:read', target: agent } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const q = parseOr400(TelemetryQuery, request.query, 'query');
    requireAgent(id);
    return { samples: ctx.store.telemetry.query(id, q) };
  });
}
