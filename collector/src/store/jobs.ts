import type { Job, JobResult, JobRun, RunState } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';

export type JobRecord = Omit<Job, 'runs'>;

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

export class JobStore {
  private readonly markSentStmt;
  private readonly markRunningStmt;
  private readonly finishStmt;

  constructor(private readonly db: Db) {
    this.markSentStmt = db.prepare("UPDATE job_runs SET state = 'sent', sent_at = ? WHERE id = ? AND state IN ('queued', 'sent')");
    this.markRunningStmt = db.prepare("UPDATE job_runs SET state = 'running', started_at = ? WHERE id = ? AND state IN ('queued', 'sent')");
    this.finishStmt = db.prepare(
      `UPDATE job_runs SET state = @state, exit_code = @exitCode, signal = @signal, stdout = @stdout, stderr = @stderr,
         stdout_truncated = @stdoutTruncated, stderr_truncated = @stderrTruncated, error = @error,
         started_at = COALESCE(started_at, @startedAt), finished_at = @finishedAt, duration_ms = @durationMs
       WHERE id = @id AND agent_id = @agentId AND state IN ('queued', 'sent', 'running')`,
    );
  }

  /** Creates the job and one queued run per agent atomically; returns the run ids by agent. */
  create(job: JobRecord, agentIds: readonly string[], newRunId: () => string): JobRun[] {
    return this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO jobs (id, script_id, script_name, alert_id, args, tenant_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(job.id, job.scriptId, job.scriptName, job.alertId, JSON.stringify(job.args), job.tenantId, job.createdBy, job.createdAt);
      const insertRun = this.db.prepare("INSERT INTO job_runs (id, job_id, agent_id, state, queued_at) VALUES (?, ?, ?, 'queued', ?)");
      return agentIds.map((agentId) => {
        const id = newRunId();
        insertRun.run(id, job.id, agentId, job.createdAt);
        return this.getRun(id)!;
      });
    })();
  }

  /** The job without its runs: what dispatching needs, and cheap however many agents it targets. */
  getRecord(id: string): JobRecord | undefined {
    const raw = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as RawJob | undefined;
    return raw ? toJob(raw) : undefined;
  }

  get(id: string): Job | undefined {
    const raw = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as RawJob | undefined;
    return raw ? { ...toJob(raw), runs: this.runsOf(id) } : undefined;
  }

  /**
   * Newest first. `visibleTenants` (null: all) keeps the jobs every run of which is on an agent of
   * those tenants: a job spanning tenants shows only to who sees all of them, so no run leaks.
   */
  list(filter: { alertId?: string; limit?: number; visibleTenants?: readonly string[] | null } = {}): Job[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.alertId) { where.push('alert_id = ?'); params.push(filter.alertId); }
    if (filter.visibleTenants?.length === 0) {
      where.push('0');
    } else if (filter.visibleTenants) {
      where.push(`EXISTS (SELECT 1 FROM job_runs r WHERE r.job_id = jobs.id)
        AND NOT EXISTS (SELECT 1 FROM job_runs r JOIN agents a ON a.id = r.agent_id
          WHERE r.job_id = jobs.id AND a.tenant_id NOT IN (${filter.visibleTenants.map(() => '?').join(', ')}))`);
      params.push(...filter.visibleTenants);
    }
    params.push(filter.limit ?? 100);
    const sql = `SELECT * FROM jobs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params) as RawJob[]).map((raw) => ({ ...toJob(raw), runs: this.runsOf(raw.id) }));
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

  getRun(id: string): JobRun | undefined {
    const raw = this.db.prepare('SELECT * FROM job_runs WHERE id = ?').get(id) as RawRun | undefined;
    return raw ? toRun(raw) : undefined;
  }

  /**
   * Runs an agent has not confirmed starting: queued while it was offline, or sent on a
   * connection that dropped before its job.started arrived. The agent ignores a run id it has
   * already seen, so sending one again cannot run it twice in the same agent process.
   */
  undeliveredRunsFor(agentId: string): JobRun[] {
    return (this.db.prepare("SELECT * FROM job_runs WHERE agent_id = ? AND state IN ('queued', 'sent') ORDER BY queued_at").all(agentId) as RawRun[]).map(toRun);
  }

  markSent(runIds: readonly string[], at: number): void {
    this.db.transaction(() => { for (const id of runIds) this.markSentStmt.run(at, id); })();
  }

  markRunning(runId: string, at: number): boolean {
    return this.markRunningStmt.run(at, runId).changes > 0;
  }

  /** Records a result once; a result for a finished run, or from another agent, changes nothing. */
  finish(agentId: string, result: JobResult, at: number): boolean {
    return (
      this.finishStmt.run({
        id: result.runId, agentId, state: result.status, exitCode: result.exitCode, signal: result.signal,
        stdout: result.stdout, stderr: result.stderr, stdoutTruncated: result.stdoutTruncated ? 1 : 0,
        stderrTruncated: result.stderrTruncated ? 1 : 0, error: result.error ?? null, startedAt: result.startedAt,
        finishedAt: at, durationMs: Math.round(result.durationMs),
      }).changes > 0
    );
  }
}

interface RawJob {
  id: string; script_id: string; script_name: string; alert_id: string | null; args: string; tenant_id: string | null; created_by: string; created_at: number;
}
function toJob(r: RawJob): JobRecord {
  return {
    id: r.id, scriptId: r.script_id, scriptName: r.script_name, alertId: r.alert_id, args: parseJson(r.args, []), tenantId: r.tenant_id,
    createdBy: r.created_by, createdAt: r.created_at,
  };
}
