import { RuleInputSchema, RulePatchSchema } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import { parseOr400 } from '../http/validate.js';

const IdParams = z.object({ id: z.string().min(1) });

export async function ruleRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/rules', async () => ({ rules: ctx.alerts.listRules() }));

  app.post('/api/v1/rules', async (request, reply) => {
    const rule = ctx.alerts.createRule(parseOr400(RuleInputSchema, request.body), ctx.now());
    request.log.info({ ruleId: rule.id, by: request.caller?.name }, 'rule created');
    return reply.status(201).send(rule);
  });

  app.get('/api/v1/rules/:id', async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const rule = ctx.alerts.getRule(id);
    if (!rule) throw ApiError.notFound('rule', id);
    return rule;
  });

  app.patch('/api/v1/rules/:id', async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const rule = ctx.alerts.patchRule(id, parseOr400(RulePatchSchema, request.body), ctx.now());
    request.log.info({ ruleId: id, by: request.caller?.name }, 'rule changed');
    return rule;
  });

  app.delete('/api/v1/rules/:id', async (request, reply) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    ctx.alerts.deleteRule(id, ctx.now());
    request.log.info({ ruleId: id, by: request.caller?.name }, 'rule deleted');
    return reply.status(204).send();
  });
}
