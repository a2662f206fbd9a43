/**
 * Listeners per job (the job stream's subscribers): a listener that throws is reported and the
 * others still hear the message.
 */
export class JobListeners<M> {
  private readonly byJob = new Map<string, Set<(message: M) => void>>();

  constructor(private readonly onListenerError: (err: unknown, jobId: string) => void) {}

  /** Hears the job's messages until the returned function is called. */
  subscribe(jobId: string, listener: (message: M) => void): () => void {
    let set = this.byJob.get(jobId);
    if (!set) this.byJob.set(jobId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.byJob.delete(jobId);
    };
  }

  watched(jobId: string): boolean {
    return this.byJob.has(jobId);
  }

  emit(jobId: string, message: M): void {
    // A copy: a listener may unsubscribe while hearing the message.
    for (const listener of [...(this.byJob.get(jobId) ?? [])]) {
      try {
        listener(message);
      } catch (err) {
        this.onListenerError(err, jobId);
      }
    }
  }
}
