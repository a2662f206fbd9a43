import { AuditQuerySchema } from '@vigil/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { visibleTenants } from '../auth/caller.js';
import { stringField } from '../http/authorize.js';
import { parseOr400 } from '../http/validate.js';

/** A tenant filter must name one of the caller's tenants. */
const filteredTenant = (request: FastifyRequest): string[] => {
  const tenant = stringField(request.query, 'tenant');
  return tenant === undefined ? [] : [tenant];
};

/** The audit log, newest first. Users of single tenants read their tenants' entries only, never MSP-wide ones. */
export async function auditRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/audit', { config: { auth: { permission: 'audit:read', tenants: filteredTenant } } }, async (request) => {
    const q = parseOr400(AuditQuerySchema, request.query, 'query');
    return { entries: ctx.store.audit.query(q, visibleTenants(request.caller!)) };
  });
}
