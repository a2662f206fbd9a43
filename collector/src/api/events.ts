import { EventLevelSchema, TimeBoundSchema } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import { parseOr400 } from '../http/validate.js';
import { agentOwnership } from './ownership.js';

const EventsQuery = z.object({
  log: z.string().min(1).max(64).optional(),
  level: EventLevelSchema.optional(),
  since: TimeBoundSchema.optional(),
  until: TimeBoundSchema.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

const IdParams = z.object({ id: z.string().min(1) });

/** GET /api/v1/agents/:id/events: the event-log entries an agent reported, oldest first. */
export async function eventRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/agents/:id/events', { config: { auth: { permission: 'agents:read', target: agentOwnership(ctx) } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const q = parseOr400(EventsQuery, request.query, 'query');
    if (!ctx.store.agents.get(id)) throw ApiError.notFound('agent', id);
    return { events: ctx.store.events.query(id, q) };
  });
}
