import { RunbookInputSchema, ScriptInputSchema, type Runbook, type Script } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import { parseOr400 } from '../http/validate.js';
import { newId } from '../store/ids.js';

const IdParams = z.object({ id: z.string().min(1) });

export async function scriptRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/scripts', async () => ({ scripts: ctx.store.scripts.list() }));

  app.get('/api/v1/scripts/:id', async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const script = ctx.store.scripts.get(id);
    if (!script) throw ApiError.notFound('script', id);
    return script;
  });

  app.post('/api/v1/scripts', async (request, reply) => {
    const script: Script = { ...parseOr400(ScriptInputSchema, request.body), id: newId('scr'), createdAt: ctx.now() };
    ctx.store.scripts.insert(script);
    request.log.info({ scriptId: script.id, by: request.caller?.name }, 'script added');
    return reply.status(201).send(script);
  });

  app.get('/api/v1/runbooks', async () => ({ runbooks: ctx.store.scripts.listRunbooks() }));

  app.post('/api/v1/runbooks', async (request, reply) => {
    const input = parseOr400(RunbookInputSchema, request.body);
    if (!ctx.store.scripts.get(input.scriptId)) {
      throw new ApiError(400, 'invalid_body', `invalid body: scriptId: script ${input.scriptId} does not exist`);
    }
    const runbook: Runbook = { ...input, id: newId('rbk'), createdAt: ctx.now() };
    ctx.store.scripts.insertRunbook(runbook);
    request.log.info({ runbookId: runbook.id, by: request.caller?.name }, 'runbook added');
    return reply.status(201).send(runbook);
  });
}
