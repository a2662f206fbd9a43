import type { JobStreamMessage } from '@vigil/shared';
import type { Store } from '../store/index.js';
import { JobListeners } from './job-listeners.js';

/**
 * Live progress of jobs for whoever watches one (the job stream): run changes as they happen,
 * and the job's status, counts and approval, coalesced to one update per job per turn of the event loop.
 * Nothing is read from the store for a job nobody watches, so a bulk job pays nothing for it.
 */
export class JobProgress {
  private readonly listeners: JobListeners<JobStreamMessage>;
  private readonly pendingJobs = new Set<string>();
  private flushScheduled = false;

  constructor(private readonly store: Store, private readonly onListenerError: (err: unknown) => void) {
    this.listeners = new JobListeners((err) => onListenerError(err));
  }

  subscribe(jobId: string, listener: (message: JobStreamMessage) => void): () => void {
    return this.listeners.subscribe(jobId, listener);
  }

  watched(jobId: string): boolean {
    return this.listeners.watched(jobId);
  }

  /** Runs of the job changed state (after their commit). */
  runsChanged(jobId: string, runIds: readonly string[]): void {
    if (!this.watched(jobId)) return;
    for (const runId of runIds) {
      const run = this.store.jobs.runProgress(runId);
      if (run) this.emit(jobId, { type: 'run.updated', run });
    }
    this.jobChanged(jobId);
  }

  /** The job's status or counts changed (after their commit). */
  jobChanged(jobId: string): void {
    if (!this.watched(jobId)) return;
    this.pendingJobs.add(jobId);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const jobs = [...this.pendingJobs];
    this.pendingJobs.clear();
    for (const jobId of jobs) {
      if (!this.watched(jobId)) continue;
      try {
        const summary = this.store.jobs.summary(jobId);
        if (summary) this.emit(jobId, { type: 'job.updated', status: summary.status, counts: summary.counts, approval: summary.approval });
      } catch (err) {
        // The store closed under a pending update (shutdown): nobody is left to tell.
        this.onListenerError(err);
      }
    }
  }

  private emit(jobId: string, message: JobStreamMessage): void {
    this.listeners.emit(jobId, message);
  }
}
