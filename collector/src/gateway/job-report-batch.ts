import type { JobReport } from '../remediation/job-results.js';

/**
 * Gathers the job.started and job.result messages that arrive within one event-loop turn and
 * hands them on together, as frames are: a bulk job's results then cost one commit per turn
 * rather than one each, and the dispatch of its next runs is not stuck behind them.
 */
export class JobReportBatch {
  private pending: JobReport[] = [];
  private scheduled = false;

  constructor(private readonly flushTo: (reports: readonly JobReport[]) => void, private readonly onError: (err: unknown) => void) {}

  add(report: JobReport): void {
    this.pending.push(report);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Hands on what is pending now (also at shutdown). */
  flush(): void {
    this.scheduled = false;
    const reports = this.pending;
    if (reports.length === 0) return;
    this.pending = [];
    try {
      this.flushTo(reports);
    } catch (err) {
      this.onError(err);
    }
  }
}
