import type { RunState } from '@vigil/shared';

/** A run reached a final state (a result from its agent, expiry, cancellation), after it was committed. */
export interface RunFinished {
  jobId: string;
  runId: string;
  agentId: string;
  state: RunState;
  exitCode: number | null;
  stdout: string | null;
  stderr: string | null;
  error: string | null;
  finishedAt: number;
  /** Set when the job is a step of a runbook run. */
  runbookRunId: string | null;
}

/** Tells the runbook engine (and anyone else) that runs finished, without it reaching into the job service. */
export class JobEvents {
  private readonly listeners = new Set<(event: RunFinished) => void>();

  constructor(private readonly onListenerError: (err: unknown) => void) {}

  subscribe(listener: (event: RunFinished) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: RunFinished): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
