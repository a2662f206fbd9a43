import type { FinishedRun } from '../store/jobs.js';
import type { JobEvents } from './job-events.js';
import type { JobProgress } from './job-progress.js';

/**
 * Announces runs that reached a final state, once committed: to the runbook engine (and anyone
 * else) as RunFinished, and to whoever watches the job live.
 */
export class RunOutcomes {
  constructor(
    private readonly events: JobEvents,
    private readonly progress: JobProgress,
    /** The runbook run a job is a step of, if any. */
    private readonly runbookRunOf: (jobId: string) => string | null,
  ) {}

  announce(jobId: string, runs: readonly FinishedRun[]): void {
    if (runs.length === 0) return;
    const runbookRunId = this.runbookRunOf(jobId);
    for (const run of runs) {
      this.events.publish({
        jobId, runId: run.id, agentId: run.agentId, state: run.state, exitCode: run.exitCode, stdout: run.stdout, stderr: run.stderr,
        error: run.error, finishedAt: run.finishedAt, runbookRunId,
      });
    }
    this.progress.runsChanged(jobId, runs.map((r) => r.id));
  }
}
