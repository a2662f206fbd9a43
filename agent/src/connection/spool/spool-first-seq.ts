import type { SeqSource } from '../../state/seq-store.js';

/**
 * Hands out frame seqs so that a crash can never leave a hole in the series. The persisted
 * counter moves only once the frame carrying a seq is in the spool; a seq handed out for a frame
 * that never got there (the process died while building or writing it) is handed out again after
 * a restart, since nobody outside this process ever saw it. A seq can still not be used twice:
 * the spool holds every frame not yet acknowledged, and the agent starts its counter after the
 * spool's newest frame.
 */
export class SpoolFirstSeq implements SeqSource {
  private handedOut: number;

  constructor(private readonly persisted: SeqSource) {
    this.handedOut = persisted.last;
  }

  get last(): number {
    return this.handedOut;
  }

  next(): number {
    return ++this.handedOut;
  }

  advanceTo(seq: number): void {
    if (seq > this.handedOut) this.handedOut = seq;
    this.persisted.advanceTo(seq);
  }

  /** The frame carrying `seq` is durably spooled. */
  spooled(seq: number): void {
    this.persisted.advanceTo(seq);
  }
}
