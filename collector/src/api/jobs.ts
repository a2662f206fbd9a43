import { JobInputSchema } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { visibleTenants } from '../auth/caller.js';
import { ApiError } from '../http/api-error.js';
import { callerName } from '../http/authenticate.js';
import { parseOr400 } from '../http/validate.js';
import { jobOwnership } from './ownership.js';

const IdParams = z.object({ id: z.string().min(1) });
const ListQuery = z.object({ alertId: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) });

export async function jobRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/jobs', { config: { auth: { permission: 'jobs:read' } } }, async (request) => ({
    jobs: ctx.store.jobs.list({ ...parseOr400(ListQuery, request.query, 'query'), visibleTenants: visibleTenants(request.caller!) }),
  }));

  // Which agents and scripts the caller may use is checked by the job service, agent by agent:
  // another tenant's agent is answered like a missing one (404), another tenant's script likewise (400).
  app.post('/api/v1/jobs', { config: { auth: { permission: 'jobs:run' } } }, async (request, reply) => {
    const job = ctx.jobs.create({
      ...parseOr400(JobInputSchema, request.body),
      createdBy: callerName(request),
      visibleTenants: visibleTenants(request.caller!),
      onCreated: (created, agents) => ctx.audit.record(request, {
        action: 'job.dispatched', tenantId: created.tenantId, target: { type: 'job', id: created.id },
        after: { scriptId: created.scriptId, agents },
      }),
    });
    return reply.status(201).send(job);
  });

  app.get('/api/v1/jobs/:id', { config: { auth: { permission: 'jobs:read', target: jobOwnership(ctx) } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const job = ctx.store.jobs.get(id);
    if (!job) throw ApiError.notFound('job', id);
    return job;
  });
}
