import {
  JobInputSchema, checkParams, parseDuration,
  type Job, type JobResultMessage, type JobStartedMessage, type JobTargets, type ParamValue,
} from '@vigil/shared';
import type { Logger } from 'pino';
import type { ConnectionRegistry } from '../gateway/connection-registry.js';
import { ApiError } from '../http/api-error.js';
import { newId } from '../store/ids.js';
import type { Store } from '../store/index.js';
import type { JobRecord } from '../store/jobs.js';
import { mayDecide } from './approval-rules.js';
import { JobDispatcher, type DispatcherOptions } from './job-dispatcher.js';
import type { JobEvents } from './job-events.js';
import { JobProgress } from './job-progress.js';
import { JobResults, type JobReport } from './job-results.js';
import { resolveTargets } from './job-targets.js';
import { RunOutcomes } from './run-outcomes.js';

/** What a job is made of: the API's JobInput (its defaults apply to what is left out), and who asks. */
export interface CreateJobRequest {
  scriptId: string;
  /** Default: the latest. */
  version?: number | undefined;
  targets?: JobTargets | undefined;
  agentIds?: readonly string[] | undefined;
  params?: Record<string, ParamValue> | undefined;
  /** Unsigned scripts only. */
  args?: string[] | undefined | null;
  offline?: 'run_on_reconnect' | 'expire' | undefined;
  expiresIn?: string | undefined;
  concurrency?: number | undefined;
  ratePerSec?: number | undefined;
  /** Who, as the job shows it: a user name, `runbook:<id>`. */
  createdBy: string;
  /** Who asked, for change control (approval-rules.ts requesterKey); null or absent: the system. */
  requestedBy?: string | null | undefined;
  alertId?: string | null | undefined;
  runbookRunId?: string | null | undefined;
  /** Wait for an approver even if the script does not ask for one (a runbook that requires approval). */
  approvalRequired?: boolean | undefined;
  /** The tenants whose scripts and agents the requester may use; null (the default): every one. */
  visibleTenants?: readonly string[] | null | undefined;
  /** Runs inside the transaction that stores the job (its audit entry). */
  onCreated?: (job: JobRecord, agentCount: number) => void;
}

export interface Decision {
  approved: boolean;
  /** approval-rules.ts requesterKey of the approver. */
  approver: string;
  /** The approver's name, as the job shows it. */
  approverName: string;
  comment: string | null;
  /** Runs inside the transaction that records the decision (its audit entry). */
  onDecided?: (job: JobRecord) => void;
}

const invalid = (field: string, message: string) => ApiError.invalidField('body', field, message);

/**
 * The selection as the request made it, kept with the job ("tag web in acme" says more than the
 * agents it matched): the older top-level agentIds are targets.agentIds (resolveTargets checked
 * that only one of the two is given).
 */
function requestedTargets(request: Pick<CreateJobRequest, 'targets' | 'agentIds'>): JobTargets {
  return request.agentIds ? { ...request.targets, agentIds: [...request.agentIds] } : { ...request.targets };
}
/** The API's defaults, for callers inside the collector (the runbook engine) that leave fields out. */
const DEFAULTS = JobInputSchema.parse({ scriptId: '-', agentIds: ['-'] });

export interface JobServiceDeps {
  store: Store;
  registry: ConnectionRegistry;
  events: JobEvents;
  log: Logger;
  now: () => number;
  dispatch?: DispatcherOptions;
}

/**
 * Jobs run one version of a script on a set of agents, within limits, after an approval when
 * change control asks for one. This is the front: creation (targets, script version, parameter
 * checks), cancellation and approval decisions; dispatching, results and live progress live in
 * their own modules.
 */
export class JobService {
  /** Live progress per job, for the job stream. */
  readonly progress: JobProgress;
  private readonly outcomes: RunOutcomes;
  private readonly dispatcher: JobDispatcher;
  private readonly results: JobResults;
  private readonly store: Store;
  private readonly registry: ConnectionRegistry;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(deps: JobServiceDeps) {
    this.store = deps.store;
    this.registry = deps.registry;
    this.log = deps.log;
    this.now = deps.now;
    this.progress = new JobProgress(deps.store, (err) => deps.log.error({ err }, 'job progress listener failed'));
    this.outcomes = new RunOutcomes(deps.events, this.progress, (jobId) => {
      const live = this.dispatcher.runbookRunOf(jobId);
      return live !== undefined ? live : (this.store.jobs.getRecord(jobId)?.runbookRunId ?? null);
    });
    this.dispatcher = new JobDispatcher(deps.store, deps.registry, this.outcomes, this.progress, deps.log, deps.now, deps.dispatch);
    this.results = new JobResults(deps.store, this.dispatcher, this.outcomes, this.progress, deps.log);
  }

  /** Picks up active jobs (after a restart) and starts the dispatch pump. */
  start(): void {
    this.dispatcher.start();
  }

  stop(): void {
    this.dispatcher.stop();
  }

  /** One dispatch turn now; the pump's timer does this on its own once started (tests drive it by hand). */
  pump(): void {
    this.dispatcher.pump();
  }

  create(request: CreateJobRequest): Job {
    const visible = request.visibleTenants ?? null;
    const latest = this.store.scripts.get(request.scriptId);
    // Another tenant's script is answered like a missing one: its existence is not the requester's business.
    if (!latest || (latest.tenantId !== null && visible !== null && !visible.includes(latest.tenantId))) {
      throw invalid('scriptId', `script ${request.scriptId} does not exist`);
    }
    const script = request.version === undefined ? latest : this.store.scripts.getVersion(latest.id, request.version);
    if (!script) throw invalid('version', `script ${latest.id} has no version ${request.version} (the latest is ${latest.version})`);
    const signed = script.signature !== null;
    if (signed && request.args) throw invalid('args', `script ${script.id} is signed: its arguments are part of the signature; pass values through params`);
    const params = checkParams(script.manifest.params, request.params ?? {});
    // The agent checks the values again against the signed declarations; this answers early and names the parameter.
    if (!params.ok) throw invalid('params', params.error);
    const agents = resolveTargets(this.store.agents, { targets: request.targets, agentIds: request.agentIds }, script, visible);

    const now = this.now();
    const tenants = new Set(agents.map((a) => a.tenantId));
    const approvalRequired = script.requiresApproval || request.approvalRequired === true;
    const job: JobRecord = {
      id: newId('job'), scriptId: script.id, scriptName: script.name, version: script.version, digest: script.digest,
      alertId: request.alertId ?? null, runbookRunId: request.runbookRunId ?? null,
      tenantId: tenants.size === 1 ? [...tenants][0]! : null,
      status: approvalRequired ? 'awaiting_approval' : 'active',
      approval: { required: approvalRequired, decidedBy: null, decidedAt: null, decision: null, comment: null },
      params: params.values, args: signed ? [] : (request.args ?? script.manifest.args),
      offline: request.offline ?? DEFAULTS.offline,
      expiresAt: now + parseDuration(request.expiresIn ?? DEFAULTS.expiresIn),
      concurrency: request.concurrency ?? DEFAULTS.concurrency,
      ratePerSec: request.ratePerSec ?? DEFAULTS.ratePerSec,
      createdBy: request.createdBy, createdAt: now, requestedBy: request.requestedBy ?? null,
      targets: requestedTargets(request),
    };
    this.store.transaction(() => {
      this.store.jobs.create(job, agents.map((a) => a.id), () => newId('run'));
      request.onCreated?.(job, agents.length);
    });
    this.log.info({ jobId: job.id, scriptId: script.id, version: script.version, agents: agents.length, status: job.status, alertId: job.alertId, by: request.createdBy }, 'job created');
    // A caller may create the job inside a transaction of its own (the runbook engine): nothing is sent before it commits.
    if (job.status === 'active') this.store.afterCommit(() => this.dispatcher.activate(job.id, { starting: true }));
    return this.store.jobs.get(job.id)!;
  }

  /**
   * Stops a job: queued runs are cancelled, runs under way are told to stop (their final state
   * comes with their agents' results). 409 when the job is over already.
   */
  cancel(jobId: string, by: string, onCancelled?: (job: JobRecord) => void): Job {
    const now = this.now();
    const { ended, underway } = this.store.transaction(() => {
      const record = this.store.jobs.getRecord(jobId);
      if (!record) throw ApiError.notFound('job', jobId);
      if (!this.store.jobs.setStatus(jobId, 'cancelled', ['active', 'awaiting_approval'])) {
        throw new ApiError(409, 'conflict', `job ${jobId} is ${record.status.replace('_', ' ')}: there is nothing to cancel`);
      }
      const ended = this.store.jobs.endQueued(jobId, 'cancelled', `cancelled by ${by}`, now);
      const underway = this.store.jobs.runRefs(jobId, ['sent', 'running']);
      onCancelled?.(record);
      return { ended, underway };
    });
    this.log.info({ jobId, by, cancelled: ended.length, stopping: underway.length }, 'job cancelled');
    this.store.afterCommit(() => {
      this.dispatcher.forget(jobId);
      for (const run of underway) this.registry.get(run.agentId)?.send({ type: 'job.cancel', runId: run.id });
      this.outcomes.announce(jobId, ended);
      this.progress.jobChanged(jobId);
    });
    return this.store.jobs.get(jobId)!;
  }

  /**
   * An approver's decision on a job awaiting one: approved, it starts now; rejected, its runs
   * are cancelled. 409 when it is not awaiting approval; 403 when the approver asked for it.
   */
  decide(jobId: string, decision: Decision): Job {
    const now = this.now();
    const ended = this.store.transaction(() => {
      const record = this.store.jobs.getRecord(jobId);
      if (!record) throw ApiError.notFound('job', jobId);
      if (record.status !== 'awaiting_approval') {
        throw new ApiError(409, 'conflict', `job ${jobId} is not awaiting approval: it is ${record.status.replace('_', ' ')}`);
      }
      if (!mayDecide(record.requestedBy, decision.approver)) {
        throw new ApiError(403, 'forbidden', `forbidden: job ${jobId} needs an approver other than the requester`);
      }
      if (!this.store.jobs.decide(jobId, { approved: decision.approved, by: decision.approverName, at: now, comment: decision.comment })) {
        throw new ApiError(409, 'conflict', `job ${jobId} is not awaiting approval`);
      }
      const ended = decision.approved ? [] : this.store.jobs.endQueued(jobId, 'cancelled', `rejected by ${decision.approverName}${decision.comment ? `: ${decision.comment}` : ''}`, now);
      decision.onDecided?.(record);
      return ended;
    });
    this.log.info({ jobId, approved: decision.approved, by: decision.approverName }, decision.approved ? 'job approved' : 'job rejected');
    this.store.afterCommit(() => {
      if (decision.approved) this.dispatcher.activate(jobId, { starting: true });
      this.outcomes.announce(jobId, ended);
      this.progress.jobChanged(jobId);
    });
    return this.store.jobs.get(jobId)!;
  }

  /** Called when an agent is welcomed: what it has not started yet goes out, within each job's limits. */
  agentConnected(agentId: string): void {
    this.dispatcher.agentConnected(agentId);
  }

  onStarted(agentId: string, message: JobStartedMessage, now: number): void {
    this.results.onStarted(agentId, message, now);
  }

  onResult(agentId: string, result: JobResultMessage, now: number): void {
    this.results.onResult(agentId, result, now);
  }

  /** Reports that arrived in the same turn, stored together (see JobResults.record). */
  recordReports(reports: readonly JobReport[]): void {
    this.results.record(reports);
  }
}
