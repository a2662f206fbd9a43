import { RuleInputSchema, RulePatchSchema, type Rule } from '@vigil/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import { parseOr400 } from '../http/validate.js';
import { owningTenant, readableBy, ruleOwnership } from './ownership.js';

const IdParams = z.object({ id: z.string().min(1) });

/** A rule's tenant is its scope's; a rule without one is global. A PATCH that gives a scope replaces it whole. */
const scopeTenant = (request: FastifyRequest) => owningTenant(request.body, 'scope', 'tenant');
const changedScopeTenant = (request: FastifyRequest) =>
  typeof request.body === 'object' && request.body !== null && Object.hasOwn(request.body, 'scope') ? scopeTenant(request) : [];

const tenantOf = (rule: Pick<Rule, 'scope'>): string | null => rule.scope.tenant ?? null;

export async function ruleRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const rule = ruleOwnership(ctx);

  /**
   * A rule starts its runbook on the agents it alerts on: the runbook must be MSP-wide or of the
   * rule's own tenant, else one tenant's remediation would run on another's endpoints.
   */
  const requireRunbookFits = (runbookId: string | null | undefined, tenantId: string | null) => {
    const runbook = runbookId ? ctx.store.runbooks.get(runbookId) : undefined;
    if (runbook && runbook.tenantId !== null && runbook.tenantId !== tenantId) {
      // Another tenant's runbook is answered like a missing one.
      throw ApiError.invalidField('body', 'runbookId', `runbook ${runbookId} does not exist${tenantId === null ? '' : ` in tenant ${tenantId}`}`);
    }
  };

  app.get('/api/v1/rules', { config: { auth: { permission: 'rules:read' } } }, async (request) => ({
    rules: ctx.alerts.listRules().filter((r) => readableBy(request.caller!, tenantOf(r))),
  }));

  app.post('/api/v1/rules', { config: { auth: { permission: 'rules:write', tenants: scopeTenant } } }, async (request, reply) => {
    const input = parseOr400(RuleInputSchema, request.body);
    requireRunbookFits(input.runbookId, tenantOf(input));
    const created = ctx.store.transaction(() => {
      const saved = ctx.alerts.createRule(input, ctx.now());
      ctx.audit.record(request, { action: 'rule.created', tenantId: tenantOf(saved), target: { type: 'rule', id: saved.id }, after: saved });
      return saved;
    });
    request.log.info({ ruleId: created.id, by: request.caller?.name }, 'rule created');
    return reply.status(201).send(created);
  });

  app.get('/api/v1/rules/:id', { config: { auth: { permission: 'rules:read', target: rule } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const found = ctx.alerts.getRule(id);
    if (!found) throw ApiError.notFound('rule', id);
    return found;
  });

  app.patch('/api/v1/rules/:id', { config: { auth: { permission: 'rules:write', target: rule, tenants: changedScopeTenant } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const patch = parseOr400(RulePatchSchema, request.body);
    const before = ctx.alerts.getRule(id);
    if (!before) throw ApiError.notFound('rule', id);
    requireRunbookFits(patch.runbookId !== undefined ? patch.runbookId : before.runbookId, (patch.scope ?? before.scope).tenant ?? null);
    const changed = ctx.store.transaction(() => {
      const after = ctx.alerts.patchRule(id, patch, ctx.now());
      ctx.audit.record(request, { action: 'rule.updated', tenantId: tenantOf(after), target: { type: 'rule', id }, before, after });
      return after;
    });
    request.log.info({ ruleId: id, by: request.caller?.name }, 'rule changed');
    return changed;
  });

  app.delete('/api/v1/rules/:id', { config: { auth: { permission: 'rules:write', target: rule } } }, async (request, reply) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    ctx.store.transaction(() => {
      const before = ctx.alerts.getRule(id);
      ctx.alerts.deleteRule(id, ctx.now());
      ctx.audit.record(request, { action: 'rule.deleted', tenantId: before ? tenantOf(before) : null, target: { type: 'rule', id }, before });
    });
    request.log.info({ ruleId: id, by: request.caller?.name }, 'rule deleted');
    return reply.status(204).send();
  });
}
