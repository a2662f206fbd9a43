import type { JobInput, JobResultMessage, JobStartedMessage, JobRun, Job } from '@vigil/shared';
import type { Logger } from 'pino';
import type { AlertEvent } from '../alerts/alert-events.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ConnectionRegistry } from '../gateway/connection-registry.js';
import { ApiError } from '../http/api-error.js';
import type { Store } from '../store/index.js';
import type { JobRecord } from '../store/jobs.js';
import { newId } from '../store/ids.js';

export interface CreateJobRequest extends JobInput {
  createdBy: string;
  alertId?: string | null;
  /** The tenants whose scripts and agents the requester may use; null (the default): every one. */
  visibleTenants?: readonly string[] | null;
  /** Runs inside the transaction that stores the job (its audit entry). */
  onCreated?: (job: JobRecord, agentCount: number) => void;
}

/**
 * Jobs run one script on a set of agents. Connected agents get their dispatch at once; the rest
 * stay queued and are dispatched when they next connect. Results are stored once per run.
 */
export class JobService {
  constructor(
    private readonly store: Store,
    private readonly registry: ConnectionRegistry,
    private readonly log: Logger,
    private readonly now: () => number,
    /** Where automatic runs are recorded; runs by hand are recorded by their route, with their caller. */
    private readonly audit?: AuditLog,
  ) {}

  create(request: CreateJobRequest): Job {
    const visible = request.visibleTenants ?? null;
    const sees = (tenantId: string) => visible === null || visible.includes(tenantId);
    const script = this.store.scripts.get(request.scriptId);
    // Another tenant's script is answered like a missing one: its existence is not the requester's business.
    if (!script || (script.tenantId !== null && !sees(script.tenantId))) {
      throw new ApiError(400, 'invalid_body', `invalid body: scriptId: script ${request.scriptId} does not exist`);
    }
    const agentIds = [...new Set(request.agentIds)];
    const tenants = new Set<string>();
    for (const id of agentIds) {
      const agent = this.store.agents.get(id);
      if (!agent || !sees(agent.tenantId)) throw ApiError.notFound('agent', id);
      // A tenant's script is that tenant's business; it never runs on another's endpoints.
      if (script.tenantId !== null && agent.tenantId !== script.tenantId) {
        throw new ApiError(400, 'invalid_body', `invalid body: agentIds: script ${script.id} belongs to tenant ${script.tenantId}; agent ${id} is of tenant ${agent.tenantId}`);
      }
      tenants.add(agent.tenantId);
    }
    const now = this.now();
    const job: JobRecord = {
      id: newId('job'), scriptId: script.id, scriptName: script.name, alertId: request.alertId ?? null,
      args: request.args ?? script.args, tenantId: tenants.size === 1 ? [...tenants][0]! : null, createdBy: request.createdBy, createdAt: now,
    };
    const runs = this.store.transaction(() => {
      const created = this.store.jobs.create(job, agentIds, () => newId('run'));
      request.onCreated?.(job, agentIds.length);
      return created;
    });
    this.log.info({ jobId: job.id, scriptId: script.id, agents: agentIds.length, alertId: job.alertId, by: request.createdBy }, 'job created');
    this.dispatch(job.id, runs);
    return this.store.jobs.get(job.id)!;
  }

  /** Called when an agent authenticates: anything it has not started yet goes out now. */
  dispatchPending(agentId: string): void {
    const queued = this.store.jobs.undeliveredRunsFor(agentId);
    const byJob = new Map<string, JobRun[]>();
    for (const run of queued) byJob.set(run.jobId, [...(byJob.get(run.jobId) ?? []), run]);
    for (const [jobId, runs] of byJob) this.dispatch(jobId, runs);
  }

  private dispatch(jobId: string, runs: readonly JobRun[]): void {
    // The record alone: loading every run here would make each agent connecting to a bulk job
    // read the whole job, quadratic in the number of agents.
    const job = this.store.jobs.getRecord(jobId);
    const script = job && this.store.scripts.get(job.scriptId);
    if (!job || !script) return;
    const sent: string[] = [];
    for (const run of runs) {
      const connection = this.registry.get(run.agentId);
      if (!connection) continue;
      const ok = connection.send({
        type: 'job.dispatch', jobId, runId: run.id, agentId: run.agentId,
        script: { shell: script.shell, body: script.body, args: job.args, env: script.env, timeoutSec: script.timeoutSec },
      });
      if (ok) sent.push(run.id);
    }
    if (sent.length > 0) this.store.jobs.markSent(sent, this.now());
  }

  onStarted(agentId: string, message: JobStartedMessage, now: number): void {
    const run = this.store.jobs.getRun(message.runId);
    if (!run || run.agentId !== agentId) {
      this.log.warn({ agentId, runId: message.runId }, 'job.started for a run this agent does not have');
      return;
    }
    this.store.jobs.markRunning(run.id, message.ts ?? now);
  }

  onResult(agentId: string, result: JobResultMessage, now: number): void {
    if (!this.store.jobs.finish(agentId, result, now)) {
      this.log.warn({ agentId, runId: result.runId }, 'job.result ignored: unknown run, another agent\'s run, or already finished');
      return;
    }
    this.log.info({ agentId, runId: result.runId, status: result.status, exitCode: result.exitCode }, 'job run finished');
  }

  /**
   * Automatic remediation: an alert whose rule names a runbook starts that runbook's script when it
   * fires: when it opens, or, if it opened inside a maintenance window, when it is released still
   * broken at the window's end (one that resolved inside the window never runs it).
   */
  onAlertEvent(event: AlertEvent, runbookIdOf: (ruleId: string) => string | null | undefined): void {
    const fires = event.type === 'alert.released' || (event.type === 'alert.opened' && event.alert.maintenanceWindowId === null);
    if (!fires) return;
    // The agent is offline: a remediation chosen on what it last said could do harm when it lands.
    if (event.alert.suppressedBy !== null) return;
    const runbookId = runbookIdOf(event.alert.ruleId);
    if (!runbookId) return;
    const runbook = this.store.scripts.getRunbook(runbookId);
    if (!runbook) {
      this.log.warn({ alertId: event.alert.id, runbookId }, 'rule names a runbook that no longer exists');
      return;
    }
    try {
      // A tenant's runbook remediates that tenant's endpoints only.
      this.create({
        scriptId: runbook.scriptId, agentIds: [event.alert.agentId], args: runbook.args, createdBy: `runbook:${runbook.id}`, alertId: event.alert.id,
        visibleTenants: runbook.tenantId === null ? null : [runbook.tenantId],
        onCreated: (job, agents) => this.audit?.recordAs({ type: 'system', id: runbook.id, name: `runbook ${runbook.name}`, sourceIp: null }, {
          action: 'job.dispatched', tenantId: job.tenantId, target: { type: 'job', id: job.id },
          after: { scriptId: job.scriptId, agents, runbookId: runbook.id, alertId: event.alert.id },
        }),
      });
    } catch (err) {
      this.log.error({ err, alertId: event.alert.id, runbookId }, 'starting the runbook failed');
    }
  }
}
