/**
 * Runs `save` once at the end of the current event-loop turn, however often it was requested
 * during it: a pump that sends a batch of frames, or a burst of acks read from one packet, costs
 * one write instead of one per frame.
 */
export class DeferredSave {
  private due: NodeJS.Immediate | undefined;

  constructor(private readonly save: () => void) {}

  request(): void {
    this.due ??= setImmediate(() => this.flush());
  }

  /** Saves now if a save is pending, so that closing leaves nothing requested unsaved. */
  flush(): void {
    if (!this.due) return;
    clearImmediate(this.due);
    this.due = undefined;
    this.save();
  }
}
