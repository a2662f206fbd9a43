import type { Runbook, RunbookRun, RunbookRunState } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';

/** The runbook as it was when a run started: what the run follows, whatever happens to the runbook since. */
export type RunbookPlan = Pick<Runbook, 'name' | 'steps' | 'verify' | 'args'>;

/** A run as stored: the API shape (runbookName comes from the plan) plus the plan. */
export type RunbookRunRecord = Omit<RunbookRun, 'runbookName'> & { plan: RunbookPlan };

export interface RunbookRunFilter {
  alertId?: string;
  agentId?: string;
  runbookId?: string;
  state?: RunbookRunState;
  /** Null or absent: every tenant's runs; else only these tenants'. */
  visibleTenants?: readonly string[] | null;
  limit?: number;
}

interface RawRun {
  id: string; runbook_id: string; alert_id: string; agent_id: string; tenant_id: string; state: RunbookRunState;
  step_index: number; job_ids: string; outcome: string | null; output: string; started_at: number; finished_at: number | null;
  plan: string; stage_started_at: number | null;
}

const EMPTY_PLAN: RunbookPlan = { name: '', steps: [], verify: { within: '2m' }, args: null };

function toRecord(r: RawRun): RunbookRunRecord {
  return {
    id: r.id, runbookId: r.runbook_id, alertId: r.alert_id, agentId: r.agent_id, tenantId: r.tenant_id, state: r.state,
    stepIndex: r.step_index, jobIds: parseJson<string[]>(r.job_ids, []), outcome: r.outcome, output: r.output,
    startedAt: r.started_at, stageStartedAt: r.stage_started_at, finishedAt: r.finished_at, plan: parseJson(r.plan, EMPTY_PLAN),
  };
}

function toRow(r: RunbookRunRecord) {
  return {
    id: r.id, runbookId: r.runbookId, alertId: r.alertId, agentId: r.agentId, tenantId: r.tenantId, state: r.state,
    stepIndex: r.stepIndex, jobIds: JSON.stringify(r.jobIds), outcome: r.outcome, output: r.output, startedAt: r.startedAt,
    stageStartedAt: r.stageStartedAt, finishedAt: r.finishedAt, plan: JSON.stringify(r.plan),
  };
}

/** What the API shows of a run: its plan stays inside, but for the runbook's name. */
export function toPublicRunbookRun(record: RunbookRunRecord): RunbookRun {
  const { plan, ...run } = record;
  return { ...run, runbookName: plan.name };
}

/** Runbook runs: one automatic remediation of one alert each, with what it did and how it ended. */
export class RunbookRunStore {
  private readonly insertStmt;
  private readonly saveStmt;
  private readonly byId;
  private readonly unfinishedStmt;
  private readonly countByAlertStmt;
  private readonly countByAgentStmt;
  private readonly underWayStmt;
  private readonly latestFrameStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO runbook_runs (id, runbook_id, alert_id, agent_id, tenant_id, state, step_index, job_ids, outcome, output, started_at,
         stage_started_at, finished_at, plan)
       VALUES (@id, @runbookId, @alertId, @agentId, @tenantId, @state, @stepIndex, @jobIds, @outcome, @output, @startedAt,
         @stageStartedAt, @finishedAt, @plan)`,
    );
    this.saveStmt = db.prepare(
      `UPDATE runbook_runs SET state = @state, step_index = @stepIndex, job_ids = @jobIds, outcome = @outcome, output = @output,
         stage_started_at = @stageStartedAt, finished_at = @finishedAt
       WHERE id = @id`,
    );
    this.byId = db.prepare('SELECT * FROM runbook_runs WHERE id = ?');
    this.unfinishedStmt = db.prepare('SELECT * FROM runbook_runs WHERE finished_at IS NULL ORDER BY started_at, id');
    // Capped runs never ran: they do not count against the caps, or one cap would feed itself.
    this.countByAlertStmt = db.prepare(
      "SELECT COUNT(*) FROM runbook_runs WHERE alert_id = @alertId AND started_at > @since AND runbook_id = @runbookId AND state != 'capped'",
    ).pluck();
    this.countByAgentStmt = db.prepare(
      "SELECT COUNT(*) FROM runbook_runs WHERE agent_id = @agentId AND started_at > @since AND runbook_id = @runbookId AND state != 'capped'",
    ).pluck();
    this.underWayStmt = db.prepare(
      'SELECT id FROM runbook_runs WHERE alert_id = ? AND runbook_id = ? AND finished_at IS NULL LIMIT 1',
    ).pluck();
    // The verify stage's question to telemetry: when did the agent's newest frame arrive? (The
    // primary key (agent_id, seq) makes this one index probe.)
    this.latestFrameStmt = db.prepare('SELECT received_at FROM frames WHERE agent_id = ? ORDER BY seq DESC LIMIT 1').pluck();
  }

  insert(run: RunbookRunRecord): void {
    this.insertStmt.run(toRow(run));
  }

  /** Writes the run's progress: state, step, jobs, outcome, output and instants (its identity and plan never change). */
  save(run: RunbookRunRecord): void {
    this.saveStmt.run(toRow(run));
  }

  get(id: string): RunbookRunRecord | undefined {
    const raw = this.byId.get(id) as RawRun | undefined;
    return raw ? toRecord(raw) : undefined;
  }

  /** Runs awaiting approval, running or verifying, oldest first. */
  unfinished(): RunbookRunRecord[] {
    return (this.unfinishedStmt.all() as RawRun[]).map(toRecord);
  }

  /** How many runs of the runbook (capped ones aside) started after `since` for the alert and for the agent. */
  recentCounts(runbookId: string, alertId: string, agentId: string, since: number): { alert: number; agent: number } {
    return {
      alert: this.countByAlertStmt.get({ alertId, runbookId, since }) as number,
      agent: this.countByAgentStmt.get({ agentId, runbookId, since }) as number,
    };
  }

  /** The id of a run of the runbook for the alert that has not finished, if any. */
  underWay(runbookId: string, alertId: string): string | undefined {
    return (this.underWayStmt.get(alertId, runbookId) as string | undefined) ?? undefined;
  }

  /** When the agent's newest stored frame was received; null before its first. */
  latestFrameAt(agentId: string): number | null {
    return (this.latestFrameStmt.get(agentId) as number | undefined) ?? null;
  }

  list(filter: RunbookRunFilter = {}): RunbookRunRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.alertId) { where.push('alert_id = ?'); params.push(filter.alertId); }
    if (filter.agentId) { where.push('agent_id = ?'); params.push(filter.agentId); }
    if (filter.runbookId) { where.push('runbook_id = ?'); params.push(filter.runbookId); }
    if (filter.state) { where.push('state = ?'); params.push(filter.state); }
    if (filter.visibleTenants) {
      where.push(`tenant_id IN (${filter.visibleTenants.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...filter.visibleTenants);
    }
    params.push(filter.limit ?? 100);
    const sql = `SELECT * FROM runbook_runs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id LIMIT ?`;
    return (this.db.prepare(sql).all(...params) as RawRun[]).map(toRecord);
  }
}
