import { JobInputSchema, JobRunQuerySchema, JobStatusSchema, type JobList, type JobRunPage } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { visibleTenants } from '../auth/caller.js';
import { ApiError } from '../http/api-error.js';
import { callerName } from '../http/authenticate.js';
import { parseOr400 } from '../http/validate.js';
import { requesterKey } from '../remediation/approval-rules.js';
import { jobStreamRoutes } from './job-stream.js';
import { jobOwnership, namedTenant } from './ownership.js';

const IdParams = z.object({ id: z.string().min(1) });
const ListQuery = z.object({
  alertId: z.string().optional(),
  /** Jobs with a run on this agent (the agent page's job history). */
  agentId: z.string().min(1).optional(),
  status: JobStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const JobQuery = z.object({
  /** false: the job without its runs (a header for a job of thousands of agents). */
  runs: z.enum(['true', 'false']).default('true'),
});

export async function jobRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Summaries with counts per run state, never runs: the answer's size does not grow with the jobs' agents.
  app.get('/api/v1/jobs', { config: { auth: { permission: 'jobs:read' } } }, async (request): Promise<JobList> => ({
    jobs: ctx.store.jobs.listItems({ ...parseOr400(ListQuery, request.query, 'query'), visibleTenants: visibleTenants(request.caller!) }),
  }));

  // Which agents and scripts the caller may use is checked by the job service, agent by agent:
  // another tenant's agent is answered like a missing one (404), another tenant's script likewise (400).
  app.post('/api/v1/jobs', {
    config: { auth: { permission: 'jobs:run', tenants: (request) => namedTenant(request.body, 'targets', 'tenant') } },
  }, async (request, reply) => {
    const input = parseOr400(JobInputSchema, request.body);
    const caller = request.caller!;
    const job = ctx.jobs.create({
      ...input,
      createdBy: callerName(request),
      requestedBy: requesterKey(caller),
      visibleTenants: visibleTenants(caller),
      onCreated: (created, agents) => ctx.audit.record(request, {
        action: 'job.dispatched', tenantId: created.tenantId, target: { type: 'job', id: created.id },
        // Parameter names only: a value may be a secret the script needs.
        after: {
          scriptId: created.scriptId, version: created.version, digest: created.digest, agents, params: Object.keys(created.params),
          status: created.status,
        },
      }),
    });
    return reply.status(201).send(job);
  });

  app.get('/api/v1/jobs/:id', { config: { auth: { permission: 'jobs:read', target: jobOwnership(ctx) } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const { runs } = parseOr400(JobQuery, request.query, 'query');
    const job = runs === 'true' ? ctx.store.jobs.get(id) : ctx.store.jobs.summary(id);
    if (!job) throw ApiError.notFound('job', id);
    return job;
  });

  // Runs by state and by text in their output or error, a page at a time.
  app.get('/api/v1/jobs/:id/runs', { config: { auth: { permission: 'jobs:read', target: jobOwnership(ctx) } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const query = parseOr400(JobRunQuerySchema, request.query, 'query');
    if (!ctx.store.jobs.getRecord(id)) throw ApiError.notFound('job', id);
    return { ...ctx.store.jobs.searchRuns(id, query), limit: query.limit, offset: query.offset } satisfies JobRunPage;
  });

  app.post('/api/v1/jobs/:id/cancel', { config: { auth: { permission: 'jobs:run', target: jobOwnership(ctx) } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    return ctx.jobs.cancel(id, callerName(request), (job) => ctx.audit.record(request, {
      action: 'job.cancelled', tenantId: job.tenantId, target: { type: 'job', id }, before: { status: job.status }, after: { status: 'cancelled' },
    }));
  });

  await jobStreamRoutes(app, ctx);
}
