import { KpiQuerySchema, parseDuration } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import { parseOr400 } from '../http/validate.js';
import { computeKpis } from '../reports/kpi.js';
import { owningTenant } from './ownership.js';

export async function reportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Without ?tenant= the report covers every tenant, which only an all-tenant caller may see.
  app.get('/api/v1/reports/kpi', { config: { auth: { permission: 'reports:read', tenants: (request) => owningTenant(request.query, 'tenant') } } }, async (request) => {
    const q = parseOr400(KpiQuerySchema, request.query, 'query');
    let securityPatchMaxAgeMs: number;
    try {
      securityPatchMaxAgeMs = parseDuration(q.securityPatchMaxAge);
    } catch (err) {
      throw new ApiError(400, 'invalid_query', `invalid query: securityPatchMaxAge: ${(err as Error).message}`);
    }
    const scope = { tenantId: q.tenant ?? null, from: q.from, to: q.to };
    return computeKpis({
      tenant: scope.tenantId,
      from: q.from,
      to: q.to,
      alerts: ctx.store.reports.alertsOpened(scope),
      agents: ctx.store.reports.presence(scope),
      patches: ctx.store.reports.patchStatus(scope),
      securityPatchMaxAgeMs,
    }, ctx.now());
  });
}
