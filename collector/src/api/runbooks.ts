import { LegacyRunbookInputSchema, RunbookPatchSchema, RunbookStepsInputSchema, type Runbook } from '@vigil/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { visibleTenants } from '../auth/caller.js';
import { ApiError } from '../http/api-error.js';
import { stringField, type Ownership } from '../http/authorize.js';
import { parseOr400 } from '../http/validate.js';
import { runbookStepProblem } from '../remediation/runbook-step-check.js';
import { newId } from '../store/ids.js';
import { owningTenant } from './ownership.js';
import { runbookRunRoutes } from './runbook-runs.js';

const IdParams = z.object({ id: z.string().min(1) });

/** A runbook without a tenant is MSP-wide, which only all-tenant callers add. */
const bodyTenant = (request: FastifyRequest) => owningTenant(request.body, 'tenant');

/** The steps shape when the body has `steps`, else the one-script shape: errors then name the fields of the shape meant. */
function parseInput(body: unknown): { input: Omit<Runbook, 'id' | 'tenantId' | 'createdAt'>; tenant: string | undefined; legacy: boolean } {
  if (typeof body === 'object' && body !== null && Object.hasOwn(body, 'steps')) {
    const { tenant, ...input } = parseOr400(RunbookStepsInputSchema, body);
    return { input: { ...input, args: null }, tenant, legacy: false };
  }
  const { tenant, scriptId, args, ...settings } = parseOr400(LegacyRunbookInputSchema, body);
  return {
    input: { ...settings, steps: [{ scriptId, params: {}, timeout: '5m', onFailure: 'stop' }], verify: { within: '2m' }, args: args ?? null },
    tenant, legacy: true,
  };
}

/** What the audit log keeps of a runbook's content. */
const auditView = (r: Runbook) => ({
  name: r.name, steps: r.steps, verify: r.verify, args: r.args, requiresApproval: r.requiresApproval,
  maxRunsPerAlertPerHour: r.maxRunsPerAlertPerHour, maxRunsPerAgentPerHour: r.maxRunsPerAgentPerHour,
});

export async function runbookRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const runbookOwnership = (request: FastifyRequest): Ownership | undefined => {
    const id = stringField(request.params, 'id');
    const runbook = id === undefined ? undefined : ctx.store.runbooks.get(id);
    return runbook && { label: `runbook ${runbook.id}`, tenants: runbook.tenantId ? [runbook.tenantId] : null };
  };
  const requireRunbook = (request: FastifyRequest): Runbook => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const runbook = ctx.store.runbooks.get(id);
    if (!runbook) throw ApiError.notFound('runbook', id);
    return runbook;
  };
  /** Every step must be one a run of this runbook could start; 400 naming the step's field. */
  const requireRunnable = (runbook: Pick<Runbook, 'steps' | 'args' | 'tenantId'>, legacy: boolean) => {
    const problem = runbookStepProblem(runbook.steps, runbook.args, runbook.tenantId, ctx.store.scripts, legacy);
    if (problem) throw ApiError.invalidField('body', problem.field, problem.message);
  };

  app.get('/api/v1/runbooks', { config: { auth: { permission: 'scripts:read' } } }, async (request) => ({
    runbooks: ctx.store.runbooks.list(visibleTenants(request.caller!)),
  }));

  app.get('/api/v1/runbooks/:id', { config: { auth: { permission: 'scripts:read', target: runbookOwnership } } }, async (request) => requireRunbook(request));

  app.post('/api/v1/runbooks', { config: { auth: { permission: 'scripts:write', tenants: bodyTenant } } }, async (request, reply) => {
    const { input, tenant, legacy } = parseInput(request.body);
    const runbook: Runbook = { ...input, id: newId('rbk'), tenantId: tenant ?? null, createdAt: ctx.now() };
    requireRunnable(runbook, legacy);
    ctx.store.transaction(() => {
      ctx.store.runbooks.insert(runbook);
      ctx.audit.record(request, { action: 'runbook.created', tenantId: runbook.tenantId, target: { type: 'runbook', id: runbook.id }, after: auditView(runbook) });
    });
    request.log.info({ runbookId: runbook.id, tenant: runbook.tenantId, steps: runbook.steps.length, by: request.caller?.name }, 'runbook added');
    return reply.status(201).send(runbook);
  });

  // Runs under way keep the plan they started with; the change applies from the next run.
  app.patch('/api/v1/runbooks/:id', { config: { auth: { permission: 'scripts:write', target: runbookOwnership } } }, async (request) => {
    const current = requireRunbook(request);
    const patch = parseOr400(RunbookPatchSchema, request.body);
    // New steps leave the one-script shape's arguments behind unless the patch names them too.
    const args = patch.args !== undefined ? patch.args : patch.steps ? null : current.args;
    const runbook: Runbook = { ...current, ...patch, args };
    requireRunnable(runbook, false);
    ctx.store.transaction(() => {
      ctx.store.runbooks.update(runbook);
      ctx.audit.record(request, {
        action: 'runbook.updated', tenantId: runbook.tenantId, target: { type: 'runbook', id: runbook.id }, before: auditView(current), after: auditView(runbook),
      });
    });
    request.log.info({ runbookId: runbook.id, by: request.caller?.name }, 'runbook changed');
    return runbook;
  });

  app.delete('/api/v1/runbooks/:id', { config: { auth: { permission: 'scripts:write', target: runbookOwnership } } }, async (request, reply) => {
    const runbook = requireRunbook(request);
    const naming = ctx.alerts.listRules().filter((rule) => rule.runbookId === runbook.id).map((rule) => rule.id);
    if (naming.length > 0) {
      throw new ApiError(409, 'conflict', `runbook ${runbook.id} is named by rule${naming.length > 1 ? 's' : ''} ${naming.join(', ')}: change or delete them first`);
    }
    ctx.store.transaction(() => {
      ctx.store.runbooks.delete(runbook.id);
      ctx.audit.record(request, { action: 'runbook.deleted', tenantId: runbook.tenantId, target: { type: 'runbook', id: runbook.id }, before: auditView(runbook) });
    });
    request.log.info({ runbookId: runbook.id, by: request.caller?.name }, 'runbook deleted');
    return reply.status(204).send();
  });

  await runbookRunRoutes(app, ctx);
}
