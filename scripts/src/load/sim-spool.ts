/**
 * How many frames the real agent keeps sent but unacknowledged at once (AgentConnection's
 * maxInFlight default); the rest wait in its spool until acks make room.
 */
export const AGENT_MAX_IN_FLIGHT = 64;

/** A frame held until the collector confirms it. */
export interface SpooledFrame {
  seq: number;
  /** performance.now() when the frame was produced (its samples taken). */
  readonly producedAt: number;
  /** The frame's JSON without `type` and `seq` (see frameText), so a renumbered frame keeps its encoding. */
  readonly body: string;
  /** How often it went out on a socket: more than once means it was resent after a lost connection. */
  sends: number;
}

/** What a welcome did to the held frames. */
export interface WelcomeOutcome {
  /** Held frames the collector had stored already (seq ≤ lastSeq): dropped, never resent. */
  stored: number;
  /** Held frames moved above lastSeq because the collector was ahead of this agent's counter. */
  renumbered: number;
}

/** The frame message as sent: `type` and `seq` ahead of the stored body. */
export function frameText(frame: SpooledFrame): string {
  return frame.body === '{}' ? `{"type":"frame","seq":${frame.seq}}` : `{"type":"frame","seq":${frame.seq},${frame.body.slice(1)}`;
}

/**
 * A simulated agent's spool and send window, doing what the real agent does with its disk spool
 * (agent-connection.ts): every frame is held from the moment it is produced until the collector
 * acknowledges it, connected or not; at most AGENT_MAX_IN_FLIGHT go out unacknowledged, in seq
 * order, each ack making room for the next; a lost connection forgets what was in flight (those
 * frames go out again); a welcome drops what the collector already stored (seq ≤ lastSeq) and
 * sending resumes from the oldest frame left. Held in memory: the real spool's cap (256 MB by
 * default) is far above what an outage of minutes produces, so nothing is ever dropped here.
 */
export class SimSpool {
  /** Held frames in ascending seq order; those before `head` are gone (acks mostly come in order). */
  private frames: SpooledFrame[] = [];
  private head = 0;
  private newest = 0;
  /** Highest seq sent on the current session, and the seqs sent there still awaiting an ack. */
  private cursor = 0;
  private readonly inFlight = new Set<number>();
  private online = false;

  constructor(private readonly maxInFlight = AGENT_MAX_IN_FLIGHT) {
    if (maxInFlight < 1) throw new RangeError('the send window must allow at least one frame');
  }

  get size(): number {
    return this.frames.length - this.head;
  }

  /** The highest seq handed out so far (0 before the first frame). */
  get newestSeq(): number {
    return this.newest;
  }

  get oldestSeq(): number | undefined {
    return this.frames[this.head]?.seq;
  }

  /** Frames sent on the current session and not yet acknowledged. */
  get unacknowledgedOnWire(): number {
    return this.inFlight.size;
  }

  held(): readonly SpooledFrame[] {
    return this.frames.slice(this.head);
  }

  /** Holds a new frame under the next seq; it goes out with the next takeSendable(). */
  push(producedAt: number, body: string): SpooledFrame {
    const frame: SpooledFrame = { seq: ++this.newest, producedAt, body, sends: 0 };
    this.frames.push(frame);
    return frame;
  }

  /**
   * A session was welcomed. As the real agent: when the collector is ahead of this counter (it
   * holds seqs this agent never handed out), the held frames move just above lastSeq; otherwise
   * the frames it already stored are dropped. Sending starts over from the oldest frame held.
   */
  welcome(lastSeq: number): WelcomeOutcome {
    this.online = true;
    this.cursor = 0;
    this.inFlight.clear();
    if (lastSeq > this.newest) {
      const held = this.frames.slice(this.head);
      held.forEach((frame, i) => (frame.seq = lastSeq + 1 + i));
      this.frames = held;
      this.head = 0;
      this.newest = lastSeq + held.length;
      return { stored: 0, renumbered: held.length };
    }
    const keepFrom = this.firstAbove(lastSeq);
    const stored = keepFrom - this.head;
    this.head = keepFrom;
    this.compact();
    return { stored, renumbered: 0 };
  }

  /** The session ended: nothing is in flight any more, and nothing goes out until the next welcome. */
  disconnect(): void {
    this.online = false;
    this.cursor = 0;
    this.inFlight.clear();
  }

  /** Removes the acknowledged frame and returns it; null if it is not held (acknowledged before, or never sent). */
  ack(seq: number): SpooledFrame | null {
    const index = this.firstAbove(seq - 1);
    const frame = this.frames[index];
    if (frame?.seq !== seq) return null;
    this.inFlight.delete(seq);
    if (index === this.head) {
      this.head++;
      this.compact();
    } else {
      this.frames.splice(index, 1);
    }
    return frame;
  }

  /** The frames to put on the socket now, oldest first, as far as the send window allows; marks them sent. */
  takeSendable(): SpooledFrame[] {
    if (!this.online) return [];
    const room = this.maxInFlight - this.inFlight.size;
    if (room <= 0) return [];
    const start = this.firstAbove(this.cursor);
    const batch = this.frames.slice(start, start + room);
    for (const frame of batch) {
      frame.sends++;
      this.inFlight.add(frame.seq);
      this.cursor = frame.seq;
    }
    return batch;
  }

  /** Index of the first held frame with a seq above `seq` (binary search; frames are sorted). */
  private firstAbove(seq: number): number {
    let lo = this.head;
    let hi = this.frames.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.frames[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops the consumed prefix once it outweighs what is held, so the array does not grow forever. */
  private compact(): void {
    if (this.head > 256 && this.head * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
  }
}
