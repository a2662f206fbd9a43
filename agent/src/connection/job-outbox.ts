import type { JobResultMessage, JobStartedMessage } from '@vigil/shared';

export type JobMessage = JobStartedMessage | JobResultMessage;

export const DEFAULT_OUTBOX_CAPACITY = 200;

interface Entry {
  message: JobMessage;
  sending: boolean;
}

/**
 * Script messages waiting for a connection. A message leaves only once the socket has taken it,
 * so results finished while offline (or lost in a closing socket) go out after the reconnect, in
 * order. Small and bounded: when full, a `job.started` goes first, since its result says more.
 */
export class JobOutbox {
  private entries: Entry[] = [];
  private droppedCount = 0;

  constructor(private readonly capacity = DEFAULT_OUTBOX_CAPACITY) {}

  get size(): number {
    return this.entries.length;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** Results not yet taken by a socket (what status.json calls pendingResults). */
  get pendingResults(): number {
    return this.entries.filter((e) => e.message.type === 'job.result').length;
  }

  push(message: JobMessage): void {
    this.entries.push({ message, sending: false });
    if (this.entries.length <= this.capacity) return;
    const started = this.entries.findIndex((e) => e.message.type === 'job.started' && !e.sending);
    this.entries.splice(started >= 0 ? started : 0, 1);
    this.droppedCount++;
  }

  /**
   * Hands every message not already on its way to `send`, oldest first. `send` reports through
   * its callback whether the socket took the message; a failed one stays for the next flush.
   */
  flush(send: (message: JobMessage, done: (ok: boolean) => void) => void, onChange: () => void): void {
    for (const entry of this.entries) {
      if (entry.sending) continue;
      entry.sending = true;
      send(entry.message, (ok) => {
        entry.sending = false;
        if (ok) this.entries = this.entries.filter((e) => e !== entry);
        onChange();
      });
    }
  }
}
