/**
 * Remembers, per frame seq, what to do once that frame is safe (an event-log source saving its
 * cursor). A frame is safe once the collector stored it or, with a durable queue, as soon as it
 * is in the spool: it outlives the process there, so reading its entries again after a restart
 * would only send them twice. Hooks run once, in seq order; a frame dropped from a full
 * in-memory queue never runs its hooks, so its entries are read again rather than skipped.
 */
export class DeliveryTracker {
  private readonly hooks = new Map<number, ReadonlyArray<() => void>>();

  constructor(private readonly onHookError: (error: unknown) => void = () => {}) {}

  track(seq: number, hooks: ReadonlyArray<() => void>): void {
    if (hooks.length > 0) this.hooks.set(seq, hooks);
  }

  get pending(): number {
    return this.hooks.size;
  }

  /** Hooks of a frame that is already safe (durably spooled): they run now. */
  deliveredNow(hooks: ReadonlyArray<() => void>): void {
    this.runHooks(hooks);
  }

  /** The collector acknowledged this seq. */
  acked(seq: number): void {
    this.run(seq);
  }

  /** The collector reported it already holds every seq up to this one. */
  storedThrough(seq: number): void {
    for (const tracked of [...this.hooks.keys()].sort((a, b) => a - b)) if (tracked <= seq) this.run(tracked);
  }

  /** A queued frame got a new seq (the collector was ahead of the local counter). */
  renumbered(from: number, to: number): void {
    const hooks = this.hooks.get(from);
    if (!hooks) return;
    this.hooks.delete(from);
    this.hooks.set(to, hooks);
  }

  /** A frame that will never be delivered: its hooks never run, so its entries are read again. */
  forget(seq: number): void {
    this.hooks.delete(seq);
  }

  /** Forgets frames the queue dropped; keeps the map from growing while offline. */
  forgetBelow(seq: number): void {
    for (const tracked of this.hooks.keys()) if (tracked < seq) this.hooks.delete(tracked);
  }

  private run(seq: number): void {
    const hooks = this.hooks.get(seq);
    if (!hooks) return;
    this.hooks.delete(seq);
    this.runHooks(hooks);
  }

  private runHooks(hooks: ReadonlyArray<() => void>): void {
    for (const hook of hooks) {
      try {
        hook();
      } catch (error) {
        this.onHookError(error);
      }
    }
  }
}
