import type { JobResultMessage, JobStartedMessage } from '@vigil/shared';
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import type { JobDispatcher } from './job-dispatcher.js';
import type { JobProgress } from './job-progress.js';
import type { RunOutcomes } from './run-outcomes.js';

/** A job.started or job.result as an agent sent it. */
export interface JobReport { agentId: string; message: JobStartedMessage | JobResultMessage; now: number }

/**
 * What agents report of their runs: job.started makes a run running, job.result ends it with its
 * output (capped by the agent), stored once; a report for another agent's run, an unknown one or
 * one already final changes nothing.
 */
export class JobResults {
  constructor(
    private readonly store: Store,
    private readonly dispatcher: JobDispatcher,
    private readonly outcomes: RunOutcomes,
    private readonly progress: JobProgress,
    private readonly log: Logger,
  ) {}

  onStarted(agentId: string, message: JobStartedMessage, now: number): void {
    this.record([{ agentId, message, now }]);
  }

  onResult(agentId: string, result: JobResultMessage, now: number): void {
    this.record([{ agentId, message: result, now }]);
  }

  /**
   * Reports that arrived together are written in one transaction (a 10,000-agent job's results
   * otherwise cost a commit each); what follows from them (the next dispatches, the runbook
   * engine, live progress) happens once they are committed. Should the batch fail, each report is
   * tried on its own, so one bad report cannot take the others with it.
   */
  record(reports: readonly JobReport[]): void {
    if (reports.length === 0) return;
    let effects: Array<() => void> = [];
    try {
      this.store.transaction(() => {
        for (const report of reports) this.apply(report, effects);
      });
    } catch (err) {
      if (reports.length === 1) throw err;
      this.log.warn({ err, reports: reports.length }, 'storing job reports together failed; storing them one by one');
      effects = [];
      for (const report of reports) {
        try {
          this.store.transaction(() => this.apply(report, effects));
        } catch (oneErr) {
          this.log.error({ err: oneErr, agentId: report.agentId, runId: report.message.runId }, 'storing a job report failed');
        }
      }
    }
    for (const effect of effects) effect();
  }

  private apply({ agentId, message, now }: JobReport, effects: Array<() => void>): void {
    if (message.type === 'job.started') {
      const jobId = this.store.jobs.markRunning(agentId, message.runId, message.ts ?? now);
      if (jobId === undefined) {
        this.log.warn({ agentId, runId: message.runId }, 'job.started ignored: unknown run, another agent\'s run, or already started');
        return;
      }
      effects.push(() => this.progress.runsChanged(jobId, [message.runId]));
      return;
    }
    const finished = this.store.jobs.finish(agentId, message, now);
    if (!finished) {
      this.log.warn({ agentId, runId: message.runId }, 'job.result ignored: unknown run, another agent\'s run, or already finished');
      return;
    }
    effects.push(() => {
      this.log.info({ agentId, jobId: finished.jobId, runId: finished.id, status: finished.state, exitCode: finished.exitCode }, 'job run finished');
      // The job's status first: whoever hears of the run (the runbook engine) sees a finished job as finished.
      this.dispatcher.runEnded(finished.jobId, finished.id);
      this.outcomes.announce(finished.jobId, [finished]);
    });
  }
}
