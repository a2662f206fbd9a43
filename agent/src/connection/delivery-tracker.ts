/**
 * Remembers, per frame seq, what to do once the collector has stored that frame (an event-log
 * source saving its cursor). Hooks run once, in seq order; a frame dropped from a full queue
 * never runs its hooks, so its entries are read again rather than skipped.
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

  /** Forgets frames the queue dropped; keeps the map from growing while offline. */
  forgetBelow(seq: number): void {
    for (const tracked of this.hooks.keys()) if (tracked < seq) this.hooks.delete(tracked);
  }

  private run(seq: number): void {
    const hooks = this.hooks.get(seq);
    if (!hooks) return;
    this.hooks.delete(seq);
    for (const hook of hooks) {
      try {
        hook();
      } catch (error) {
        this.onHookError(error);
      }
    }
  }
}
