import { formatDuration, parseDuration, type Alert, type Rule, type Runbook } from '@vigil/shared';
import type { Logger } from 'pino';
import type { AlertEvent, AlertEvents } from '../alerts/alert-events.js';
import type { AlertService } from '../alerts/alert-service.js';
import { evaluatedAgentFromRow } from '../alerts/evaluated-agent.js';
import type { AuditLog } from '../audit/audit-log.js';
import { effectiveRule, ruleTiming } from '../rules/index.js';
import { newId } from '../store/ids.js';
import type { Store } from '../store/index.js';
import type { RunbookRunRecord } from '../store/runbook-runs.js';
import type { JobEvents, RunFinished } from './job-events.js';
import { CAP_WINDOW_MS, capOutcome } from './runbook-caps.js';
import { RunbookEndings, runbookActor } from './runbook-endings.js';
import type { RunbookJobs } from './runbook-jobs.js';
import { appendOutput, stepOutputChunk } from './runbook-output.js';
import { afterStep, approvalProgress, stepDeadline, stepFailure, stepLabel, verifyDeadline, type StepFinish } from './runbook-steps.js';
import { alertToRemediate } from './runbook-trigger.js';
import { verifyDecision } from './runbook-verify.js';

export interface RunbookEngineDeps {
  store: Store;
  alerts: Pick<AlertService, 'getRule' | 'resolveByHand'>;
  alertEvents: AlertEvents;
  jobEvents: JobEvents;
  jobs: RunbookJobs;
  /** SlaClock.escalateNow with the reason remediation gives. */
  escalateNow: (alertId: string, at: number) => number | null;
  audit: AuditLog;
  log: Logger;
  now: () => number;
}

/**
 * The job of the step under way: the last one made. Jobs are made in step order, and a step that
 * could not start made none and was over at once, so nothing ever waits on an earlier one.
 */
const currentJob = (run: RunbookRunRecord): string | undefined => run.jobIds.at(-1);

export interface RunbookEngineOptions {
  /** How often runs are looked at for approvals, step timeouts and verification (default 1 s). */
  tickMs?: number;
}

/**
 * Automatic remediation: when a rule's alert fires, its runbook runs on the alert's agent, one
 * job per step, within hourly caps; then a verify stage waits for fresh telemetry and resolves
 * the alert, or escalates it with the outcome attached. Every decision is a pure function
 * (runbook-caps, runbook-steps, runbook-verify); this is their I/O edge. Progress is stored at
 * each step, and timeouts are instants stored with the run, so a restart picks runs up where
 * they were.
 */
export class RunbookEngine {
  private readonly endings: RunbookEndings;
  private readonly tickMs: number;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly deps: RunbookEngineDeps, options: RunbookEngineOptions = {}) {
    this.tickMs = options.tickMs ?? 1000;
    this.endings = new RunbookEndings(deps);
  }

  /**
   * Listens to alerts and job results, catches up on runs a restart interrupted, and looks at
   * runs every tick until stop(). Start it before anything publishes alerts that may fire (the
   * maintenance service's releases at its start).
   */
  start(): void {
    if (this.stopped || this.timer) return;
    this.unsubscribe = [
      this.deps.alertEvents.subscribe((event) => this.onAlertEvent(event)),
      this.deps.jobEvents.subscribe((event) => this.onRunFinished(event)),
    ];
    // A result that arrived while the collector was going down was stored but never announced to us.
    for (const run of this.deps.store.runbookRuns.unfinished()) this.guard(run, () => this.catchUpOnJob(run, this.deps.now()));
    this.tick();
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  // ─── starting ─────────────────────────────────────────────────────────────

  onAlertEvent(event: AlertEvent): void {
    if (this.stopped) return;
    const alert = alertToRemediate(event);
    const runbookId = alert && this.deps.alerts.getRule(alert.ruleId)?.runbookId;
    if (!alert || !runbookId) return;
    // Alerts are published once committed; should one ever come from inside a transaction, its
    // job must still not reach the agent before the alert it remediates is stored.
    this.deps.store.afterCommit(() => {
      const runbook = this.deps.store.runbooks.get(runbookId);
      if (!runbook) {
        this.deps.log.warn({ alertId: alert.id, runbookId }, 'rule names a runbook that no longer exists');
        return;
      }
      try {
        this.startRun(runbook, alert, this.deps.now());
      } catch (err) {
        this.deps.log.error({ err, alertId: alert.id, runbookId }, 'starting the runbook failed');
      }
    });
  }

  private startRun(runbook: Runbook, alert: Alert, now: number): void {
    const { store } = this.deps;
    const recent = {
      ...store.runbookRuns.recentCounts(runbook.id, alert.id, alert.agentId, now - CAP_WINDOW_MS),
      underWay: store.runbookRuns.underWay(runbook.id, alert.id),
    };
    const capped = capOutcome(runbook, recent);
    const run: RunbookRunRecord = {
      id: newId('rbr'), runbookId: runbook.id, alertId: alert.id, agentId: alert.agentId, tenantId: alert.tenantId,
      state: capped ? 'capped' : 'running', stepIndex: 0, jobIds: [], outcome: capped, output: '', startedAt: now,
      stageStartedAt: capped ? null : now, finishedAt: capped ? now : null,
      plan: { name: runbook.name, steps: runbook.steps, verify: runbook.verify, args: runbook.args },
    };
    if (capped) {
      this.endings.recordCapped(run, now);
      return;
    }
    store.transaction(() => {
      store.runbookRuns.insert(run);
      this.deps.audit.recordAs(runbookActor(run), {
        action: 'runbook_run.started', tenantId: run.tenantId, target: { type: 'runbook_run', id: run.id },
        after: { runbookId: run.runbookId, alertId: run.alertId, agentId: run.agentId, steps: run.plan.steps.length, requiresApproval: runbook.requiresApproval },
      });
    });
    this.deps.log.info({ runbookRunId: run.id, runbookId: runbook.id, alertId: alert.id, agentId: alert.agentId }, 'runbook run started');
    this.startStep(run, 0, now, runbook.requiresApproval);
  }

  /** One job for the step; a step whose job waits for an approver waits with it. */
  private startStep(run: RunbookRunRecord, index: number, now: number, approvalRequired: boolean): void {
    const step = run.plan.steps[index]!;
    let job: { id: string; status: string };
    try {
      job = this.deps.jobs.create({
        scriptId: step.scriptId, version: step.version, agentId: run.agentId, params: step.params,
        // Fixed arguments belong to the one script of a runbook written in the older shape.
        args: index === 0 && run.plan.args ? run.plan.args : undefined,
        createdBy: `runbook:${run.runbookId}`, alertId: run.alertId, runbookRunId: run.id, approvalRequired,
        // The agent's tenant: its own scripts and the MSP-wide library.
        visibleTenants: [run.tenantId],
        onCreated: (created) => this.deps.audit.recordAs(runbookActor(run), {
          action: 'job.dispatched', tenantId: created.tenantId, target: { type: 'job', id: created.id },
          after: { scriptId: created.scriptId, version: created.version, agents: 1, runbookId: run.runbookId, runbookRunId: run.id, alertId: run.alertId },
        }),
      });
    } catch (err) {
      // The script or its version is gone, the agent was revoked, a parameter no longer fits: the step fails.
      Object.assign(run, { stepIndex: index, stageStartedAt: now });
      const why = `could not start: ${(err as Error).message}`;
      this.stepEnded(run, null, { state: 'error', exitCode: null, stdout: null, stderr: null, error: why, finishedAt: now }, now, why);
      return;
    }
    const waiting = job.status === 'awaiting_approval';
    Object.assign(run, { stepIndex: index, jobIds: [...run.jobIds, job.id], state: waiting ? 'awaiting_approval' : 'running', stageStartedAt: waiting ? null : now });
    this.deps.store.runbookRuns.save(run);
    // Its result may have been stored before the job was recorded on the run (nothing to wait for).
    this.catchUpOnJob(run, now);
  }

  // ─── progress ─────────────────────────────────────────────────────────────

  onRunFinished(event: RunFinished): void {
    if (this.stopped || !event.runbookRunId) return;
    const run = this.deps.store.runbookRuns.get(event.runbookRunId);
    if (!run || currentJob(run) !== event.jobId || run.agentId !== event.agentId) return;
    this.guard(run, () => this.jobFinished(run, event, this.deps.now()));
  }

  /** The current step's job run ended: rejected by an approver, or the step's result. */
  private jobFinished(run: RunbookRunRecord, finish: StepFinish, now: number): void {
    const jobId = currentJob(run)!;
    if (run.state === 'awaiting_approval') {
      const state = this.deps.jobs.state(jobId);
      if (approvalProgress(state?.status) === 'rejected') {
        this.reject(run, state, now);
        return;
      }
    }
    if (run.state === 'running' || run.state === 'awaiting_approval') this.stepEnded(run, jobId, finish, now);
  }

  /**
   * Records the step's output, then starts the next step, verifies, or escalates. `jobId` is the
   * step's job (null: none could be made); `failureOverride` replaces what the job's result says
   * (a step the engine itself gave up on).
   */
  private stepEnded(run: RunbookRunRecord, jobId: string | null, finish: StepFinish, now: number, failureOverride?: string): void {
    const index = run.stepIndex;
    const failure = failureOverride ?? stepFailure(finish);
    const scriptName = (jobId && this.deps.jobs.state(jobId)?.scriptName) || run.plan.steps[index]!.scriptId;
    const chunk = stepOutputChunk({ index, scriptName, result: failure ?? 'succeeded', stdout: finish.stdout, stderr: finish.stderr }, run.plan.steps.length);
    run.output = appendOutput(run.output, chunk);
    const next = afterStep(run.plan, index, failure);
    if (next.kind === 'escalate') {
      this.endings.end(run, 'escalated', next.outcome, now);
    } else if (next.kind === 'verify') {
      // Only telemetry received after this instant counts as evidence of the fix.
      Object.assign(run, { state: 'verifying', stageStartedAt: Math.max(finish.finishedAt, run.stageStartedAt ?? 0) });
      this.deps.store.runbookRuns.save(run);
      this.verify(run, now);
    } else {
      this.deps.store.runbookRuns.save(run);
      this.startStep(run, next.index, now, false);
    }
  }

  private reject(run: RunbookRunRecord, state: ReturnType<RunbookJobs['state']>, now: number): void {
    const approval = state?.approval;
    const by = approval?.decidedBy ? ` by ${approval.decidedBy}` : '';
    const why = approval?.comment ? `: ${approval.comment}` : '';
    const verb = state?.status === 'rejected' ? 'rejected' : 'cancelled before approval';
    this.endings.end(run, 'rejected', `${stepLabel(run.stepIndex)} ${verb}${by}${why}`, now);
  }

  /** The current step's job already ended (its announcement was missed, or came before the job was on the run). */
  private catchUpOnJob(run: RunbookRunRecord, now: number): boolean {
    const jobId = currentJob(run);
    if (!jobId || (run.state !== 'running' && run.state !== 'awaiting_approval')) return false;
    const finish = this.deps.jobs.finishedRun(jobId, run.agentId);
    if (!finish) return false;
    this.jobFinished(run, finish, now);
    return true;
  }

  // ─── time ─────────────────────────────────────────────────────────────────

  /** One look at every unfinished run (the timer calls this too): approvals, step timeouts, verification. */
  tick(now = this.deps.now()): void {
    if (this.stopped) return;
    let runs: RunbookRunRecord[];
    try {
      runs = this.deps.store.runbookRuns.unfinished();
    } catch (err) {
      this.deps.log.error({ err }, 'reading runbook runs failed; retried at the next tick');
      return;
    }
    for (const run of runs) this.guard(run, () => this.look(run, now));
  }

  private look(run: RunbookRunRecord, now: number): void {
    if (run.state === 'awaiting_approval') {
      const state = this.deps.jobs.state(currentJob(run) ?? '');
      const progress = approvalProgress(state?.status);
      if (progress === 'rejected') this.reject(run, state, now);
      if (progress !== 'approved') return;
      // The step's time counts from the approval: waiting for a person is not the script being slow.
      Object.assign(run, { state: 'running', stageStartedAt: Math.min(now, state?.approval.decidedAt ?? now) });
      this.deps.store.runbookRuns.save(run);
      this.deps.log.info({ runbookRunId: run.id, by: state?.approval.decidedBy }, 'runbook run approved');
      if (this.catchUpOnJob(run, now)) return;
    }
    if (run.state === 'running') {
      const deadline = stepDeadline(run);
      if (deadline === null || now < deadline || this.catchUpOnJob(run, now)) return;
      this.timeOut(run, now);
    } else if (run.state === 'verifying') {
      this.verify(run, now);
    }
  }

  /** The step ran past its timeout: it failed, and its job is stopped. */
  private timeOut(run: RunbookRunRecord, now: number): void {
    const jobId = currentJob(run) ?? null;
    const timeout = formatDuration(parseDuration(run.plan.steps[run.stepIndex]!.timeout));
    this.stepEnded(run, jobId, { state: 'cancelled', exitCode: null, stdout: null, stderr: null, error: null, finishedAt: now }, now, `timed out after ${timeout}`);
    if (jobId) this.deps.jobs.cancel(jobId, `runbook:${run.runbookId} (step timed out)`);
  }

  private verify(run: RunbookRunRecord, now: number): void {
    const { store } = this.deps;
    const alert = store.alerts.get(run.alertId);
    if (!alert || run.stageStartedAt === null) return;
    const rule = this.ruleFor(alert);
    const decision = verifyDecision(run.stageStartedAt, verifyDeadline(run)! - run.stageStartedAt, run.stepIndex, {
      alert, rule, ruleHoldsClearAlerts: rule !== null && ruleTiming(rule).holdMs > 0, latestFrameAt: store.runbookRuns.latestFrameAt(run.agentId),
    }, now);
    if (decision.kind === 'wait') return;
    if (decision.kind === 'escalate') this.endings.end(run, 'escalated', decision.outcome, now);
    else this.endings.end(run, 'resolved', decision.outcome, now, { resolveAlert: decision.kind === 'resolve' });
  }

  /** The alert's rule as it applies to its agent now (an override's thresholds); null when the rule is gone. */
  private ruleFor(alert: Alert): Rule | null {
    const rule = this.deps.alerts.getRule(alert.ruleId);
    const row = this.deps.store.agents.get(alert.agentId);
    if (!rule) return null;
    return (row ? effectiveRule(rule, evaluatedAgentFromRow(row)) : null) ?? rule;
  }

  /** One run's trouble never stops the others. */
  private guard(run: RunbookRunRecord, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.deps.log.error({ err, runbookRunId: run.id }, 'runbook run step failed; looked at again at the next tick');
    }
  }
}
