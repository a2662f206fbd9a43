import type { AlertRemediation, RunbookRunState } from '@vigil/shared';
import type { Logger } from 'pino';
import type { AlertEvents } from '../alerts/alert-events.js';
import type { AlertService } from '../alerts/alert-service.js';
import { toPublicAlert } from '../alerts/to-public.js';
import type { AuditActor, AuditLog } from '../audit/audit-log.js';
import type { Store } from '../store/index.js';
import type { RunbookRunRecord } from '../store/runbook-runs.js';
import { ALERT_OUTPUT_TAIL_BYTES, tailBytes } from './runbook-output.js';

export type RunbookEnding = Extract<RunbookRunState, 'resolved' | 'escalated' | 'capped' | 'rejected'>;

export interface RunbookEndingsDeps {
  store: Store;
  alerts: Pick<AlertService, 'resolveByHand'>;
  alertEvents: AlertEvents;
  /** Raises the alert one escalation level now (SlaClock.escalateNow); the level reached, or null when it could not. */
  escalateNow: (alertId: string, at: number) => number | null;
  audit: AuditLog;
  log: Logger;
}

/** Who acts in the audit log for what a runbook does on its own: the runbook. */
export function runbookActor(run: Pick<RunbookRunRecord, 'runbookId' | 'plan'>): AuditActor {
  return { type: 'system', id: run.runbookId, name: `runbook ${run.plan.name}`, sourceIp: null };
}

/** The alert's view of how the run ended. */
export function remediationOf(run: RunbookRunRecord, at: number): AlertRemediation {
  return {
    runbookRunId: run.id, runbookId: run.runbookId, runbookName: run.plan.name, state: run.state, outcome: run.outcome,
    output: tailBytes(run.output, ALERT_OUTPUT_TAIL_BYTES), at,
  };
}

/**
 * How runs end, each in one transaction with its audit entry: the outcome is attached to the
 * alert (its `remediation`), and then, by ending: escalated raises the alert one level now
 * (alert.escalated goes out as for any escalation, the outcome and output on the alert);
 * resolved resolves the alert if it is still open (resolvedBy `runbook:<id>`); capped and
 * rejected only tell the feed (alert.updated).
 */
export class RunbookEndings {
  constructor(private readonly deps: RunbookEndingsDeps) {}

  /** A run refused by the caps: recorded already ended, so the caps are visible and audited. */
  recordCapped(run: RunbookRunRecord, now: number): void {
    this.deps.store.transaction(() => {
      this.deps.store.runbookRuns.insert(run);
      this.conclude(run, 'capped', now, false);
    });
  }

  end(run: RunbookRunRecord, ending: RunbookEnding, outcome: string, now: number, options: { resolveAlert?: boolean } = {}): void {
    this.deps.store.transaction(() => {
      Object.assign(run, { state: ending, outcome, finishedAt: now, stageStartedAt: null });
      this.deps.store.runbookRuns.save(run);
      this.conclude(run, ending, now, options.resolveAlert === true);
    });
  }

  private conclude(run: RunbookRunRecord, ending: RunbookEnding, now: number, resolveAlert: boolean): void {
    const { store } = this.deps;
    store.alerts.setRemediation(run.alertId, remediationOf(run, now));
    let level: number | null = null;
    let announced = false;
    if (ending === 'escalated') {
      level = this.deps.escalateNow(run.alertId, now);
      announced = level !== null;
    } else if (ending === 'resolved' && resolveAlert && store.alerts.get(run.alertId)?.state !== 'resolved') {
      this.deps.alerts.resolveByHand(run.alertId, `runbook:${run.runbookId}`, `resolved by runbook ${run.plan.name}: ${run.outcome}`, now);
      announced = true;
    }
    // Nothing else told the feed: the outcome is news of its own.
    if (!announced) this.publishUpdated(run.alertId);
    this.deps.audit.recordAs(runbookActor(run), {
      action: `runbook_run.${ending}`, tenantId: run.tenantId, target: { type: 'runbook_run', id: run.id },
      after: { runbookId: run.runbookId, alertId: run.alertId, agentId: run.agentId, outcome: run.outcome, ...(ending === 'escalated' ? { level } : {}) },
    });
    store.afterCommit(() => this.deps.log.info(
      { runbookRunId: run.id, runbookId: run.runbookId, alertId: run.alertId, agentId: run.agentId, outcome: run.outcome, level },
      `runbook run ${ending}`,
    ));
  }

  private publishUpdated(alertId: string): void {
    const record = this.deps.store.alerts.get(alertId);
    if (!record) return;
    const alert = toPublicAlert(record);
    this.deps.store.afterCommit(() => this.deps.alertEvents.publish({ type: 'alert.updated', alert }));
  }
}
