import type { Job, JobListItem, JobResult, JobRun, JobRunProgress, JobStatus, JobSummary, JobTargets, JobTargetsBrief, RunState } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';
import { likePattern } from './like-pattern.js';

/**
 * A job as stored, without runs or counts. `requestedBy` is who asked for it, for change control:
 * `user:<id>`, `token:<id>` for the bootstrap token (which has no user), or null for the system
 * (a runbook); the API shows the user's id of it (requestedByUserId).
 */
export interface JobRecord extends Omit<Job, 'runs' | 'counts' | 'requestedByUserId'> {
  requestedBy: string | null;
}

/** A run's place in the dispatch queue: all dispatching needs to know of it. */
export interface RunRef { id: string; jobId: string; agentId: string; state: RunState }

/** A run that reached a final state, as the job's events announce it. */
export interface FinishedRun {
  id: string; jobId: string; agentId: string; state: RunState; exitCode: number | null; stdout: string | null; stderr: string | null;
  error: string | null; finishedAt: number;
}

export type JobCounts = Record<RunState, number>;

/** Which jobs a list holds; every field given narrows it. */
export interface JobListFilter {
  alertId?: string;
  /** Jobs with a run on this agent. */
  agentId?: string;
  status?: JobStatus;
  limit?: number;
  /** Null: all tenants (see `list`). */
  visibleTenants?: readonly string[] | null;
}

const UNFINISHED = "('queued', 'sent', 'running')";
/** Every column of jobs but targets, which may name up to 100,000 agents: lists read it in brief. */
const RECORD_COLUMNS = `id, script_id, script_name, alert_id, args, tenant_id, created_by, created_at, version, digest, params, offline_policy,
  expires_at, concurrency, rate_per_sec, status, approval_required, requested_by_user_id, decided_by, decided_at, decision,
  decision_comment, runbook_run_id`;
const FULL_COLUMNS = `${RECORD_COLUMNS}, targets`;
/** The targets without their agent ids, and how many ids there were; SQLite's JSON functions keep the ids out of the process. */
const BRIEF_COLUMNS = `${RECORD_COLUMNS},
  CASE WHEN json_valid(targets) THEN json_remove(targets, '$.agentIds') END AS targets,
  CASE WHEN json_valid(targets) THEN json_array_length(targets, '$.agentIds') END AS target_agent_id_count`;
/** SQLite binds at most 32,766 values per statement: longer lists of ids go in slices of this many. */
const BIND_SLICE = 10_000;
const RUN_PROGRESS_COLUMNS = `id, job_id, agent_id, state, exit_code, signal, NULL AS stdout, NULL AS stderr, stdout_truncated, stderr_truncated,
  error, queued_at, sent_at, started_at, finished_at, duration_ms`;
const FINISHED_RETURNING = 'RETURNING id, job_id, agent_id, state, exit_code, stdout, stderr, error, finished_at';

interface RawRun {
  id: string; job_id: string; agent_id: string; state: RunState; exit_code: number | null; signal: string | null;
  stdout: string | null; stderr: string | null; stdout_truncated: number; stderr_truncated: number; error: string | null;
  queued_at: number; sent_at: number | null; started_at: number | null; finished_at: number | null; duration_ms: number | null;
}

function toRun(r: RawRun): JobRun {
  return {
    id: r.id, jobId: r.job_id, agentId: r.agent_id, state: r.state, exitCode: r.exit_code, signal: r.signal,
    stdout: r.stdout, stderr: r.stderr, stdoutTruncated: r.stdout_truncated === 1, stderrTruncated: r.stderr_truncated === 1,
    error: r.error, queuedAt: r.queued_at, sentAt: r.sent_at, startedAt: r.started_at, finishedAt: r.finished_at,
    durationMs: r.duration_ms,
  };
}

function toProgress(r: RawRun): JobRunProgress {
  const { stdout: _stdout, stderr: _stderr, ...rest } = toRun(r);
  return rest;
}

interface RawFinished { id: string; job_id: string; agent_id: string; state: RunState; exit_code: number | null; stdout: string | null; stderr: string | null; error: string | null; finished_at: number }
const toFinished = (r: RawFinished): FinishedRun => ({
  id: r.id, jobId: r.job_id, agentId: r.agent_id, state: r.state, exitCode: r.exit_code, stdout: r.stdout, stderr: r.stderr, error: r.error,
  finishedAt: r.finished_at,
});

export function emptyCounts(): JobCounts {
  return { queued: 0, sent: 0, running: 0, succeeded: 0, failed: 0, timed_out: 0, rejected: 0, error: 0, expired: 0, cancelled: 0 };
}

function slices<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BIND_SLICE) out.push(items.slice(i, i + BIND_SLICE));
  return out;
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Jobs and their runs. Every write that can touch thousands of runs is one statement or one transaction. */
export class JobStore {
  private readonly recordStmt;
  private readonly countsStmt;
  private readonly markSentStmt;
  private readonly markRunningStmt;
  private readonly finishStmt;
  private readonly unfinishedStmt;
  private readonly runStmt;

  constructor(private readonly db: Db) {
    this.recordStmt = db.prepare(`SELECT ${FULL_COLUMNS} FROM jobs WHERE id = ?`);
    this.countsStmt = db.prepare('SELECT state, COUNT(*) AS n FROM job_runs WHERE job_id = ? GROUP BY state');
    this.markSentStmt = db.prepare("UPDATE job_runs SET state = 'sent', sent_at = ? WHERE id = ? AND state IN ('queued', 'sent')");
    this.markRunningStmt = db.prepare(
      "UPDATE job_runs SET state = 'running', started_at = ? WHERE id = ? AND agent_id = ? AND state IN ('queued', 'sent') RETURNING job_id",
    );
    this.finishStmt = db.prepare(
      `UPDATE job_runs SET state = @state, exit_code = @exitCode, signal = @signal, stdout = @stdout, stderr = @stderr,
         stdout_truncated = @stdoutTruncated, stderr_truncated = @stderrTruncated, error = @error,
         started_at = COALESCE(started_at, @startedAt), finished_at = @finishedAt, duration_ms = @durationMs
       WHERE id = @id AND agent_id = @agentId AND state IN ${UNFINISHED} ${FINISHED_RETURNING}`,
    );
    this.unfinishedStmt = db.prepare(`SELECT COUNT(*) FROM job_runs WHERE job_id = ? AND state IN ${UNFINISHED}`).pluck();
    this.runStmt = db.prepare('SELECT * FROM job_runs WHERE id = ?');
  }

  /** Creates the job and one queued run per agent atomically (one prepared insert, one transaction). */
  create(job: JobRecord, agentIds: readonly string[], newRunId: () => string): RunRef[] {
    return this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO jobs (id, script_id, script_name, alert_id, args, tenant_id, created_by, created_at, version, digest, params, offline_policy,
             expires_at, concurrency, rate_per_sec, status, approval_required, requested_by_user_id, runbook_run_id, targets)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(job.id, job.scriptId, job.scriptName, job.alertId, JSON.stringify(job.args), job.tenantId, job.createdBy, job.createdAt,
          job.version, job.digest, JSON.stringify(job.params), job.offline, job.expiresAt, job.concurrency, job.ratePerSec, job.status,
          job.approval.required ? 1 : 0, job.requestedBy, job.runbookRunId, job.targets === null ? null : JSON.stringify(job.targets));
      const insertRun = this.db.prepare("INSERT INTO job_runs (id, job_id, agent_id, state, queued_at) VALUES (?, ?, ?, 'queued', ?)");
      return agentIds.map((agentId) => {
        const id = newRunId();
        insertRun.run(id, job.id, agentId, job.createdAt);
        return { id, jobId: job.id, agentId, state: 'queued' as const };
      });
    })();
  }

  /** The job without its runs: what dispatching needs, and cheap however many agents it targets. */
  getRecord(id: string): JobRecord | undefined {
    const raw = this.recordStmt.get(id) as RawJob | undefined;
    return raw ? toRecord(raw) : undefined;
  }

  get(id: string): Job | undefined {
    const record = this.getRecord(id);
    return record ? { ...toSummary(record, this.counts(id)), runs: this.runsOf(id) } : undefined;
  }

  summary(id: string): JobSummary | undefined {
    const record = this.getRecord(id);
    return record ? toSummary(record, this.counts(id)) : undefined;
  }

  counts(jobId: string): JobCounts {
    const counts = emptyCounts();
    for (const row of this.countsStmt.all(jobId) as Array<{ state: RunState; n: number }>) counts[row.state] = row.n;
    return counts;
  }

  /** Runs not final yet: queued, sent or running. */
  unfinishedCount(jobId: string): number {
    return this.unfinishedStmt.get(jobId) as number;
  }

  /**
   * Newest first, every run with its output. `visibleTenants` (null: all) keeps the jobs every run
   * of which is on an agent of those tenants: a job spanning tenants shows only to who sees all of
   * them, so no run leaks. Meant for short lists (an alert's jobs); see `listItems`.
   */
  list(filter: JobListFilter = {}): Job[] {
    return this.listSummaries(filter).map((summary) => ({ ...summary, runs: this.runsOf(summary.id) }));
  }

  /** The same without runs, targets in full (approvals: the approver sees exactly what was asked). */
  listSummaries(filter: JobListFilter = {}): JobSummary[] {
    const records = this.listRecords(filter, FULL_COLUMNS);
    const counts = this.countsOfJobs(records.map((r) => r.id));
    return records.map((record) => toSummary(record, counts.get(record.id) ?? emptyCounts()));
  }

  /**
   * GET /api/v1/jobs: the same without runs and with targets in brief, so that the answer's size
   * does not grow with the jobs' agents; with `agentId`, each job carries that agent's run
   * (without output). A fixed number of statements however many jobs are listed.
   */
  listItems(filter: JobListFilter = {}): JobListItem[] {
    const rows = this.listRows(filter, BRIEF_COLUMNS);
    const ids = rows.map((r) => r.id);
    const counts = this.countsOfJobs(ids);
    const agentRuns = filter.agentId ? this.runsOfAgentIn(filter.agentId, ids) : undefined;
    return rows.map((row) => {
      // The row's targets are the brief's JSON, read by toBrief, not a JobTargets for toRecord.
      const { targets: _none, ...summary } = toSummary(toRecord({ ...row, targets: null }), counts.get(row.id) ?? emptyCounts());
      const item: JobListItem = { ...summary, targets: toBrief(row) };
      const agentRun = agentRuns?.get(row.id);
      return agentRun ? { ...item, agentRun } : item;
    });
  }

  /** Runs per state of each of these jobs: one grouped query (per slice of ids). */
  private countsOfJobs(jobIds: readonly string[]): Map<string, JobCounts> {
    const counts = new Map<string, JobCounts>();
    for (const slice of slices(jobIds)) {
      const rows = this.db
        .prepare(`SELECT job_id, state, COUNT(*) AS n FROM job_runs WHERE job_id IN (${placeholders(slice.length)}) GROUP BY job_id, state`)
        .all(...slice) as Array<{ job_id: string; state: RunState; n: number }>;
      for (const row of rows) {
        let of = counts.get(row.job_id);
        if (!of) counts.set(row.job_id, (of = emptyCounts()));
        of[row.state] = row.n;
      }
    }
    return counts;
  }

  /** The agent's run in each of these jobs, without output, by job. */
  private runsOfAgentIn(agentId: string, jobIds: readonly string[]): Map<string, JobRunProgress> {
    const runs = new Map<string, JobRunProgress>();
    for (const slice of slices(jobIds)) {
      const rows = this.db
        .prepare(`SELECT ${RUN_PROGRESS_COLUMNS} FROM job_runs WHERE agent_id = ? AND job_id IN (${placeholders(slice.length)}) ORDER BY rowid`)
        .all(agentId, ...slice) as RawRun[];
      // One run per agent and job (targets are resolved to distinct agents); the first, should there be more.
      for (const row of rows) if (!runs.has(row.job_id)) runs.set(row.job_id, toProgress(row));
    }
    return runs;
  }

  private listRecords(filter: JobListFilter, columns: string): JobRecord[] {
    return this.listRows(filter, columns).map(toRecord);
  }

  private listRows(filter: JobListFilter, columns: string): RawJob[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.alertId) { where.push('alert_id = ?'); params.push(filter.alertId); }
    // A job belongs to every agent it has a run for.
    if (filter.agentId) { where.push('EXISTS (SELECT 1 FROM job_runs r WHERE r.job_id = jobs.id AND r.agent_id = ?)'); params.push(filter.agentId); }
    if (filter.status) { where.push('status = ?'); params.push(filter.status); }
    if (filter.visibleTenants?.length === 0) {
      where.push('0');
    } else if (filter.visibleTenants) {
      where.push(`EXISTS (SELECT 1 FROM job_runs r WHERE r.job_id = jobs.id)
        AND NOT EXISTS (SELECT 1 FROM job_runs r JOIN agents a ON a.id = r.agent_id
          WHERE r.job_id = jobs.id AND a.tenant_id NOT IN (${filter.visibleTenants.map(() => '?').join(', ')}))`);
      params.push(...filter.visibleTenants);
    }
    params.push(filter.limit ?? 100);
    const sql = `SELECT ${columns} FROM jobs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`;
    return this.db.prepare(sql).all(...params) as RawJob[];
  }

  /** Jobs the dispatcher works on: active ones (at start, after a restart). */
  activeRecords(): JobRecord[] {
    return (this.db.prepare(`SELECT ${FULL_COLUMNS} FROM jobs WHERE status = 'active'`).all() as RawJob[]).map(toRecord);
  }

  /** The distinct tenants of the agents a job runs on: whom the job and its results belong to. */
  tenantsOf(jobId: string): string[] {
    return this.db
      .prepare('SELECT DISTINCT a.tenant_id FROM job_runs r JOIN agents a ON a.id = r.agent_id WHERE r.job_id = ? ORDER BY a.tenant_id')
      .pluck()
      .all(jobId) as string[];
  }

  runsOf(jobId: string): JobRun[] {
    return (this.db.prepare('SELECT * FROM job_runs WHERE job_id = ? ORDER BY agent_id').all(jobId) as RawRun[]).map(toRun);
  }

  /** Every run without its output: what the live stream shows. */
  runProgressOf(jobId: string): JobRunProgress[] {
    return (this.db.prepare(`SELECT ${RUN_PROGRESS_COLUMNS} FROM job_runs WHERE job_id = ? ORDER BY agent_id`).all(jobId) as RawRun[]).map(toProgress);
  }

  runProgress(runId: string): JobRunProgress | undefined {
    const raw = this.db.prepare(`SELECT ${RUN_PROGRESS_COLUMNS} FROM job_runs WHERE id = ?`).get(runId) as RawRun | undefined;
    return raw ? toProgress(raw) : undefined;
  }

  /** Runs by state and by text in their output or error (case-insensitive for ASCII), a page at a time. */
  searchRuns(jobId: string, query: { state?: RunState | undefined; q?: string | undefined; limit: number; offset: number }): { runs: JobRun[]; total: number } {
    const where = ['job_id = ?'];
    const params: unknown[] = [jobId];
    if (query.state) { where.push('state = ?'); params.push(query.state); }
    if (query.q) {
      const pattern = likePattern(query.q);
      where.push("(stdout LIKE ? ESCAPE '\\' OR stderr LIKE ? ESCAPE '\\' OR error LIKE ? ESCAPE '\\')");
      params.push(pattern, pattern, pattern);
    }
    const clause = where.join(' AND ');
    const total = this.db.prepare(`SELECT COUNT(*) FROM job_runs WHERE ${clause}`).pluck().get(...params) as number;
    const runs = (this.db.prepare(`SELECT * FROM job_runs WHERE ${clause} ORDER BY agent_id, id LIMIT ? OFFSET ?`)
      .all(...params, query.limit, query.offset) as RawRun[]).map(toRun);
    return { runs, total };
  }

  getRun(id: string): JobRun | undefined {
    const raw = this.runStmt.get(id) as RawRun | undefined;
    return raw ? toRun(raw) : undefined;
  }

  /** A job's runs in these states, in the order they were queued (the dispatcher's queue, what a cancel must stop). */
  runRefs(jobId: string, states: readonly RunState[]): RunRef[] {
    return this.db
      .prepare(`SELECT id, job_id AS jobId, agent_id AS agentId, state FROM job_runs WHERE job_id = ? AND state IN (${states.map(() => '?').join(', ')}) ORDER BY rowid`)
      .all(jobId, ...states) as RunRef[];
  }

  /**
   * An agent's runs that are not final, in jobs that are active or were stopped: what to send it
   * when it connects (queued, or sent on a connection that dropped before job.started arrived)
   * and which runs of a cancelled job it must be told to stop.
   */
  openRunsOfAgent(agentId: string): Array<RunRef & { jobStatus: JobStatus }> {
    return this.db
      .prepare(
        `SELECT r.id, r.job_id AS jobId, r.agent_id AS agentId, r.state, j.status AS jobStatus FROM job_runs r JOIN jobs j ON j.id = r.job_id
         WHERE r.agent_id = ? AND r.state IN ${UNFINISHED} ORDER BY r.rowid`,
      )
      .all(agentId) as Array<RunRef & { jobStatus: JobStatus }>;
  }

  /** In one transaction, however many. */
  markSent(runIds: readonly string[], at: number): void {
    this.db.transaction(() => { for (const id of runIds) this.markSentStmt.run(at, id); })();
  }

  /** Returns the run's job, or undefined when the run is not this agent's or is past starting. */
  markRunning(agentId: string, runId: string, at: number): string | undefined {
    return (this.markRunningStmt.get(at, runId, agentId) as { job_id: string } | undefined)?.job_id;
  }

  /** Records a result once; a result for a finished run, or from another agent, changes nothing (undefined). */
  finish(agentId: string, result: JobResult, at: number): FinishedRun | undefined {
    const raw = this.finishStmt.get({
      id: result.runId, agentId, state: result.status, exitCode: result.exitCode, signal: result.signal,
      stdout: result.stdout, stderr: result.stderr, stdoutTruncated: result.stdoutTruncated ? 1 : 0,
      stderrTruncated: result.stderrTruncated ? 1 : 0, error: result.error ?? null, startedAt: result.startedAt,
      finishedAt: at, durationMs: Math.round(result.durationMs),
    }) as RawFinished | undefined;
    return raw ? toFinished(raw) : undefined;
  }

  /**
   * Ends runs that never reached their agent: `expired` or `cancelled`, with the reason in
   * `error`. `onlyRunIds` narrows to those runs; else every queued run of the job. One statement.
   */
  endQueued(jobId: string, state: 'expired' | 'cancelled', reason: string, at: number, onlyRunIds?: readonly string[]): FinishedRun[] {
    const end = (ids: readonly string[] | undefined): FinishedRun[] => {
      const narrow = ids ? ` AND id IN (${ids.map(() => '?').join(', ')})` : '';
      return (this.db
        .prepare(`UPDATE job_runs SET state = ?, error = ?, finished_at = ? WHERE job_id = ? AND state = 'queued'${narrow} ${FINISHED_RETURNING}`)
        .all(state, reason, at, jobId, ...(ids ?? [])) as RawFinished[]).map(toFinished);
    };
    if (!onlyRunIds) return end(undefined);
    // SQLite binds at most 32,766 values per statement: large selections go in slices.
    return this.db.transaction(() => {
      const ended: FinishedRun[] = [];
      for (let i = 0; i < onlyRunIds.length; i += 10_000) ended.push(...end(onlyRunIds.slice(i, i + 10_000)));
      return ended;
    })();
  }

  /** Moves the job to `status` if it is in one of `from`; false when it was not. */
  setStatus(jobId: string, status: JobStatus, from: readonly JobStatus[]): boolean {
    return this.db
      .prepare(`UPDATE jobs SET status = ? WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`)
      .run(status, jobId, ...from).changes > 0;
  }

  /** Records an approver's decision on a job awaiting one; false when it was not awaiting. */
  decide(jobId: string, decision: { approved: boolean; by: string; at: number; comment: string | null }): boolean {
    return this.db
      .prepare(
        `UPDATE jobs SET status = ?, decision = ?, decided_by = ?, decided_at = ?, decision_comment = ?
         WHERE id = ? AND status = 'awaiting_approval'`,
      )
      .run(decision.approved ? 'active' : 'rejected', decision.approved ? 'approved' : 'rejected', decision.by, decision.at, decision.comment, jobId)
      .changes > 0;
  }
}

interface RawJob {
  id: string; script_id: string; script_name: string; alert_id: string | null; args: string; tenant_id: string | null; created_by: string;
  created_at: number; version: number; digest: string; params: string; offline_policy: JobRecord['offline']; expires_at: number;
  concurrency: number; rate_per_sec: number; status: JobStatus; approval_required: number; requested_by_user_id: string | null;
  decided_by: string | null; decided_at: number | null; decision: 'approved' | 'rejected' | null; decision_comment: string | null;
  runbook_run_id: string | null; targets: string | null;
  /** Read in brief only: how many agent ids the targets named (null: none). */
  target_agent_id_count?: number | null;
}

function toRecord(r: RawJob): JobRecord {
  return {
    id: r.id, scriptId: r.script_id, scriptName: r.script_name, version: r.version, digest: r.digest, alertId: r.alert_id,
    runbookRunId: r.runbook_run_id, tenantId: r.tenant_id, status: r.status,
    approval: { required: r.approval_required === 1, decidedBy: r.decided_by, decidedAt: r.decided_at, decision: r.decision, comment: r.decision_comment },
    params: parseJson(r.params, {}), args: parseJson(r.args, []), offline: r.offline_policy, expiresAt: r.expires_at,
    concurrency: r.concurrency, ratePerSec: r.rate_per_sec, createdBy: r.created_by, createdAt: r.created_at, requestedBy: r.requested_by_user_id,
    targets: parseJson<JobTargets | null>(r.targets, null),
  };
}

/** A list's targets: read with BRIEF_COLUMNS, the ids already left out and counted. */
function toBrief(r: RawJob): JobTargetsBrief | null {
  const filters = parseJson<JobTargetsBrief | null>(r.targets, null);
  if (filters === null) return null;
  return r.target_agent_id_count ? { ...filters, agentIdCount: r.target_agent_id_count } : filters;
}

/**
 * The user in a requester key (`user:<id>`; see approval-rules.ts requesterKey); null for a token
 * without a user and for the system.
 */
function requestingUserId(requestedBy: string | null): string | null {
  return requestedBy?.startsWith('user:') ? requestedBy.slice('user:'.length) : null;
}

/** The public shape: change control's requester key stays inside; the API shows only the user it names. */
export function toSummary(record: JobRecord, counts: JobCounts): JobSummary {
  const { requestedBy, ...rest } = record;
  return { ...rest, requestedByUserId: requestingUserId(requestedBy), counts };
}
