import type { JobResultMessage, RunState, RuleInput, RunbookStep, Sample } from '@vigil/shared';
import { AuditLog } from '../audit/audit-log.js';
import type { EvaluatedAgent } from '../alerts/alert-service.js';
import { ConnectionRegistry } from '../gateway/connection-registry.js';
import { JobEvents, type RunFinished } from '../remediation/job-events.js';
import { JobService } from '../remediation/job-service.js';
import { RunbookEngine } from '../remediation/runbook-engine.js';
import { runbookJobsOf } from '../remediation/runbook-jobs.js';
import { SlaClock } from '../sla/sla-clock.js';
import { SlaPolicies } from '../sla/sla-policies.js';
import { openAlertHarness, silentLog } from './alert-harness.js';
import { seedScript } from './scripts.js';

export const WEB: EvaluatedAgent = { agentId: 'agt_web', tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux', hostname: 'web-1' };
export const T0 = Date.UTC(2025, 5, 1, 10);

/**
 * The runbook engine wired as the collector wires it (real alert service, job service, SLA clock
 * and audit log on a temporary SQLite file), with a clock the test moves. No timers run: the test
 * calls `engine.tick()`. Agents report results through `report`; frames arrive through `frame`.
 */
export function openRunbookHarness(agents: readonly EvaluatedAgent[] = [WEB]) {
  const { temp, events, seen, service } = openAlertHarness(agents);
  let clock = T0;
  const now = () => clock;
  const store = temp.store;
  const jobEvents = new JobEvents((err) => { throw err; });
  const finished: RunFinished[] = [];
  jobEvents.subscribe((e) => finished.push(e));
  const jobs = new JobService({ store, registry: new ConnectionRegistry(), events: jobEvents, log: silentLog, now });
  const slaClock = new SlaClock({ store, events, policies: new SlaPolicies(store), log: silentLog, now });
  const audit = new AuditLog(store, now);
  /** Another engine on the same collector: what a restart starts with. */
  const newEngine = () => new RunbookEngine({
    store, alerts: service, alertEvents: events, jobEvents, jobs: runbookJobsOf(jobs, store), audit, log: silentLog, now,
    escalateNow: (alertId, at) => slaClock.escalateNow(alertId, 'remediation failed', at),
  }, { tickMs: 3_600_000 });
  const engine = newEngine();
  let seq = 0;

  return {
    temp, store, events, seen, alerts: service, jobs, engine, newEngine, finished,
    now,
    /** Moves the clock to T0 + ms. */
    at(ms: number) { clock = T0 + ms; },
    script(id: string, options: Parameters<typeof seedScript>[2] = {}) { return seedScript(store, id, options); },
    runbook(id: string, steps: Array<Partial<RunbookStep> & { scriptId: string }>, fields: { maxRunsPerAlertPerHour?: number; maxRunsPerAgentPerHour?: number; requiresApproval?: boolean; within?: string } = {}) {
      store.runbooks.insert({
        id, name: id, tenantId: null, args: null, createdAt: T0,
        steps: steps.map((s) => ({ params: {}, timeout: '5m', onFailure: 'stop', ...s })),
        verify: { within: fields.within ?? '2m' },
        maxRunsPerAlertPerHour: fields.maxRunsPerAlertPerHour ?? 1, maxRunsPerAgentPerHour: fields.maxRunsPerAgentPerHour ?? 3,
        requiresApproval: fields.requiresApproval ?? false,
      });
    },
    rule(input: Partial<RuleInput> & { runbookId: string | null }) {
      return service.createRule({
        name: 'Disk full', metric: 'disk.used_pct', labels: {}, op: '>', threshold: 90, clearThreshold: null, forSamples: 1,
        priority: 'P2', scope: {}, enabled: true, holdFor: '1h', ...input,
      }, T0);
    },
    /** A frame from the agent at the current instant: stored (for the verify stage's freshness) and evaluated. */
    frame(samples: Sample[], agent: EvaluatedAgent = agents[0]!) {
      seq += 1;
      store.telemetry.writeBatch([{ agentId: agent.agentId, receivedAt: clock, frame: { type: 'frame', seq, ts: clock, samples, sources: [] } }]);
      service.evaluate([{ agent, samples }], clock);
    },
    /** The agent's result for the one run of the job. */
    report(jobId: string, status: Extract<RunState, 'succeeded' | 'failed' | 'timed_out' | 'rejected' | 'error'>, exitCode: number | null, stdout = '', stderr = '') {
      const run = store.jobs.runsOf(jobId)[0]!;
      const result: JobResultMessage = {
        type: 'job.result', runId: run.id, status, exitCode, signal: null, stdout, stderr, stdoutTruncated: false, stderrTruncated: false,
        startedAt: clock, durationMs: 1,
      } as JobResultMessage;
      jobs.onResult(run.agentId, result, clock);
    },
    runs() { return store.runbookRuns.list({ limit: 1000 }).reverse(); },
    jobsOf(alertId: string) { return store.jobs.list({ alertId }).reverse(); },
    audits(action: string) { return store.audit.query({ action, limit: 1000 }, null).reverse(); },
    cleanup() { engine.stop(); temp.cleanup(); },
  };
}

export type RunbookHarness = ReturnType<typeof openRunbookHarness>;
