import { JobInputSchema } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import { callerName } from '../http/authenticate.js';
import { parseOr400 } from '../http/validate.js';

const IdParams = z.object({ id: z.string().min(1) });
const ListQuery = z.object({ alertId: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) });

export async function jobRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/jobs', async (request) => ({ jobs: ctx.store.jobs.list(parseOr400(ListQuery, request.query, 'query')) }));

  app.post('/api/v1/jobs', async (request, reply) => {
    const job = ctx.jobs.create({ ...parseOr400(JobInputSchema, request.body), createdBy: callerName(request) });
    return reply.status(201).send(job);
  });

  app.get('/api/v1/jobs/:id', async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const job = ctx.store.jobs.get(id);
    if (!job) throw ApiError.notFound('job', id);
    return job;
  });
}
