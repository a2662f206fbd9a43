import { JobDecisionSchema } from '@vigil/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { visibleTenants } from '../auth/caller.js';
import { callerName } from '../http/authenticate.js';
import { parseOr400 } from '../http/validate.js';
import { requesterKey } from '../remediation/approval-rules.js';
import { jobOwnership } from './ownership.js';

const IdParams = z.object({ id: z.string().min(1) });

/**
 * Change control: jobs of scripts that require approval (or of runbooks that do) wait for an
 * approver, who is never the one who asked for them.
 */
export async function approvalRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/approvals', { config: { auth: { permission: 'jobs:read' } } }, async (request) => ({
    jobs: ctx.store.jobs.listSummaries({ status: 'awaiting_approval', limit: 1000, visibleTenants: visibleTenants(request.caller!) }),
  }));

  const decide = (approved: boolean) => async (request: FastifyRequest) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const { comment } = parseOr400(JobDecisionSchema, request.body ?? {});
    return ctx.jobs.decide(id, {
      approved, approver: requesterKey(request.caller!), approverName: callerName(request), comment: comment ?? null,
      onDecided: (job) => ctx.audit.record(request, {
        action: approved ? 'job.approved' : 'job.rejected', tenantId: job.tenantId, target: { type: 'job', id },
        before: { status: job.status }, after: { status: approved ? 'active' : 'rejected', comment: comment ?? null },
      }),
    });
  };
  app.post('/api/v1/jobs/:id/approve', { config: { auth: { permission: 'jobs:approve', target: jobOwnership(ctx) } } }, decide(true));
  app.post('/api/v1/jobs/:id/reject', { config: { auth: { permission: 'jobs:approve', target: jobOwnership(ctx) } } }, decide(false));
}
