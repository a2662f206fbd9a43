import { RunbookRunQuerySchema } from '@vigil/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { visibleTenants } from '../auth/caller.js';
import { ApiError } from '../http/api-error.js';
import { stringField, type Ownership } from '../http/authorize.js';
import { parseOr400 } from '../http/validate.js';
import { toPublicRunbookRun } from '../store/runbook-runs.js';

const IdParams = z.object({ id: z.string().min(1) });

/** Runbook runs: what automatic remediation did for each alert, read like jobs (jobs:read, the agent's tenant). */
export async function runbookRunRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // A run is of the tenant of the agent it remediated, whoever's runbook it ran.
  const runOwnership = (request: FastifyRequest): Ownership | undefined => {
    const id = stringField(request.params, 'id');
    const run = id === undefined ? undefined : ctx.store.runbookRuns.get(id);
    return run && { label: `runbook run ${run.id}`, tenants: [run.tenantId] };
  };

  app.get('/api/v1/runbook-runs', { config: { auth: { permission: 'jobs:read' } } }, async (request) => {
    const query = parseOr400(RunbookRunQuerySchema, request.query, 'query');
    return { runs: ctx.store.runbookRuns.list({ ...query, visibleTenants: visibleTenants(request.caller!) }).map(toPublicRunbookRun) };
  });

  app.get('/api/v1/runbook-runs/:id', { config: { auth: { permission: 'jobs:read', target: runOwnership } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const run = ctx.store.runbookRuns.get(id);
    if (!run) throw ApiError.notFound('runbook run', id);
    return toPublicRunbookRun(run);
  });
}
