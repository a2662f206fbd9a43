import { FINAL_RUN_STATES, type JobApprovalSchema, type JobStatus, type ParamValue } from '@vigil/shared';
import type { z } from 'zod';
import type { Store } from '../store/index.js';
import type { JobService } from './job-service.js';
import type { StepFinish } from './runbook-steps.js';

/** One step's job: the step's script on the alert's agent, as a step of a runbook run. */
export interface StepJobRequest {
  scriptId: string;
  version?: number | undefined;
  agentId: string;
  params: Record<string, ParamValue>;
  /** Unsigned scripts of a runbook written in the one-script shape only. */
  args?: string[] | undefined;
  createdBy: string;
  alertId: string;
  runbookRunId: string;
  approvalRequired: boolean;
  /** The tenants whose scripts and agents the step may use. */
  visibleTenants: readonly string[];
  /** Runs inside the transaction that stores the job (its audit entry). */
  onCreated: (job: { id: string; tenantId: string | null; scriptId: string; version: number }) => void;
}

export interface StepJobState {
  status: JobStatus;
  approval: z.infer<typeof JobApprovalSchema>;
  scriptName: string;
}

/** What the runbook engine needs of jobs: narrow, so that it is tested without agents and sockets. */
export interface RunbookJobs {
  /** Throws (an ApiError naming the field) when the job cannot be made. */
  create(request: StepJobRequest): { id: string; status: JobStatus };
  /** Stops the job if it is not over yet. */
  cancel(jobId: string, by: string): void;
  state(jobId: string): StepJobState | undefined;
  /** How the job's run on the agent ended; undefined while it has not. */
  finishedRun(jobId: string, agentId: string): StepFinish | undefined;
}

/** The runbook engine's view of the job service and the job store. */
export function runbookJobsOf(service: Pick<JobService, 'create' | 'cancel'>, store: Store): RunbookJobs {
  return {
    create(request) {
      const job = service.create({
        // The job keeps these targets: the alert's agent, by id.
        scriptId: request.scriptId, version: request.version, targets: { agentIds: [request.agentId] }, params: request.params, args: request.args,
        createdBy: request.createdBy, alertId: request.alertId, runbookRunId: request.runbookRunId,
        approvalRequired: request.approvalRequired, visibleTenants: request.visibleTenants,
        onCreated: (record) => request.onCreated(record),
      });
      return { id: job.id, status: job.status };
    },
    cancel(jobId, by) {
      const record = store.jobs.getRecord(jobId);
      // Over already (it finished as the step timed out): nothing to stop.
      if (!record || (record.status !== 'active' && record.status !== 'awaiting_approval')) return;
      service.cancel(jobId, by);
    },
    state(jobId) {
      const record = store.jobs.getRecord(jobId);
      return record && { status: record.status, approval: record.approval, scriptName: record.scriptName };
    },
    finishedRun(jobId, agentId) {
      const run = store.jobs.runsOf(jobId).find((r) => r.agentId === agentId);
      if (!run || !FINAL_RUN_STATES.includes(run.state)) return undefined;
      return { state: run.state, exitCode: run.exitCode, stdout: run.stdout, stderr: run.stderr, error: run.error, finishedAt: run.finishedAt ?? run.queuedAt };
    },
  };
}
