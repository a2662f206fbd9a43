import { FleetQuerySchema, type FleetResponse, type FleetRow } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { visibleTenants } from '../auth/caller.js';
import { parseOr400 } from '../http/validate.js';
import type { FleetStoreRow } from '../store/fleet.js';
import { liveView } from './agent-liveness.js';
import { queryTenant } from './ownership.js';

/**
 * GET /api/v1/fleet: every agent the caller may see, with presence, patches and open alerts, in
 * one round trip for the console's fleet list. Ordered by hostname; the console filters and sorts
 * in memory from here.
 */
export async function fleetRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const withLiveness = (row: FleetStoreRow): FleetRow => ({ ...row, ...liveView(ctx, row) });

  app.get('/api/v1/fleet', {
    config: { auth: { permission: 'agents:read', tenants: queryTenant } },
  }, async (request): Promise<FleetResponse> => {
    const q = parseOr400(FleetQuerySchema, request.query, 'query');
    // One row past the limit tells whether there were more. Presence lives in memory, not in the
    // database: with that filter the limit applies after it.
    const rows = ctx.store.fleet.list({
      tenantId: q.tenant, siteId: q.site, platform: q.os, visibleTenants: visibleTenants(request.caller!),
      limit: q.presence ? undefined : q.limit + 1,
    }).map(withLiveness);
    const matching = q.presence ? rows.filter((row) => row.presence === q.presence) : rows;
    return { agents: matching.slice(0, q.limit), truncated: matching.length > q.limit };
  });
}
