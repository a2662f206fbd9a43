import { RunbookInputSchema, ScriptInputSchema, type Runbook, type Script } from '@vigil/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { visibleTenants } from '../auth/caller.js';
import { ApiError } from '../http/api-error.js';
import { parseOr400 } from '../http/validate.js';
import { newId } from '../store/ids.js';
import { owningTenant, readableBy, scriptOwnership } from './ownership.js';

const IdParams = z.object({ id: z.string().min(1) });

/** A script or runbook without a tenant belongs to the MSP-wide library, which only all-tenant callers add to. */
const bodyTenant = (request: FastifyRequest) => owningTenant(request.body, 'tenant');

export async function scriptRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/scripts', { config: { auth: { permission: 'scripts:read' } } }, async (request) => ({
    scripts: ctx.store.scripts.list(visibleTenants(request.caller!)),
  }));

  app.get('/api/v1/scripts/:id', { config: { auth: { permission: 'scripts:read', target: scriptOwnership(ctx) } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const script = ctx.store.scripts.get(id);
    if (!script) throw ApiError.notFound('script', id);
    return script;
  });

  app.post('/api/v1/scripts', { config: { auth: { permission: 'scripts:write', tenants: bodyTenant } } }, async (request, reply) => {
    const { tenant, ...input } = parseOr400(ScriptInputSchema, request.body);
    const script: Script = { ...input, id: newId('scr'), tenantId: tenant ?? null, createdAt: ctx.now() };
    ctx.store.transaction(() => {
      ctx.store.scripts.insert(script);
      ctx.audit.record(request, {
        action: 'script.created', tenantId: script.tenantId, target: { type: 'script', id: script.id },
        // The body's hash says which code it was without copying credentials a script may carry into the log.
        after: { name: script.name, shell: script.shell, bodySha256: createHash('sha256').update(script.body).digest('hex'), args: script.args, os: script.os, timeoutSec: script.timeoutSec },
      });
    });
    request.log.info({ scriptId: script.id, tenant: script.tenantId, by: request.caller?.name }, 'script added');
    return reply.status(201).send(script);
  });

  app.get('/api/v1/runbooks', { config: { auth: { permission: 'scripts:read' } } }, async (request) => ({
    runbooks: ctx.store.scripts.listRunbooks(visibleTenants(request.caller!)),
  }));

  app.post('/api/v1/runbooks', { config: { auth: { permission: 'scripts:write', tenants: bodyTenant } } }, async (request, reply) => {
    const { tenant, ...input } = parseOr400(RunbookInputSchema, request.body);
    const tenantId = tenant ?? null;
    const script = ctx.store.scripts.get(input.scriptId);
    // The runbook's script must be one its tenant may run: MSP-wide or the tenant's own.
    if (!script || !readableBy(request.caller!, script.tenantId) || (script.tenantId !== null && script.tenantId !== tenantId)) {
      throw new ApiError(400, 'invalid_body', `invalid body: scriptId: script ${input.scriptId} does not exist${tenantId === null || !script ? '' : ` in tenant ${tenantId}`}`);
    }
    const runbook: Runbook = { ...input, id: newId('rbk'), tenantId, createdAt: ctx.now() };
    ctx.store.transaction(() => {
      ctx.store.scripts.insertRunbook(runbook);
      ctx.audit.record(request, {
        action: 'runbook.created', tenantId, target: { type: 'runbook', id: runbook.id },
        after: { name: runbook.name, scriptId: runbook.scriptId, args: runbook.args ?? null },
      });
    });
    request.log.info({ runbookId: runbook.id, tenant: tenantId, by: request.caller?.name }, 'runbook added');
    return reply.status(201).send(runbook);
  });
}
