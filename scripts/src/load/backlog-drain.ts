import { roundTo, summarize } from './percentiles.js';

/** One agent's way through a collector outage, times in performance.now() milliseconds. */
export interface DrainRecord {
  /** Frames held when the outage began: sent, not yet acknowledged. */
  unackedAtOutage: number;
  /** Frames produced from the outage until the agent's welcome: spooled, for want of a connection. */
  producedWhileDown: number;
  /** Held frames the welcome's lastSeq showed the collector had stored already: dropped, not resent. */
  storedBeforeWelcome: number;
  /** Frames left to send once welcomed: the backlog the agent had to replay. */
  replayed: number;
  welcomedAt: number | null;
  /** When the collector had acknowledged (or, per the welcome, stored) every frame up to the welcome. */
  drainedAt: number | null;
}

/**
 * Follows one agent through an outage: what it had to spool, and when its spool drained. The
 * backlog is every frame produced before its first welcome after the outage; it is drained once
 * no frame at or below the newest of those is held any more. Frames produced later are live
 * traffic, not backlog, and do not hold up the drain. Pure: every call is told the time.
 */
export class BacklogDrain {
  private readonly state: DrainRecord;
  /** The newest seq produced before the welcome; null until welcomed. */
  private backlogThrough: number | null = null;

  constructor(readonly outageAt: number, heldAtOutage: number) {
    this.state = { unackedAtOutage: heldAtOutage, producedWhileDown: 0, storedBeforeWelcome: 0, replayed: 0, welcomedAt: null, drainedAt: null };
  }

  get record(): Readonly<DrainRecord> {
    return this.state;
  }

  get drained(): boolean {
    return this.state.drainedAt !== null;
  }

  /** A frame was produced (and spooled). */
  produced(): void {
    if (this.backlogThrough === null) this.state.producedWhileDown++;
  }

  /**
   * The agent was welcomed: `stored` held frames were dropped as already stored, `held` remain,
   * the newest being `newestSeq`, the oldest `oldestHeld`. Only the first welcome defines the
   * backlog; a later one (the connection was lost again) only settles frames it shows stored.
   */
  welcomed(at: number, stored: number, held: number, newestSeq: number, oldestHeld: number | undefined): void {
    this.state.storedBeforeWelcome += stored;
    if (this.backlogThrough === null) {
      this.backlogThrough = newestSeq;
      this.state.welcomedAt = at;
      this.state.replayed = held;
    }
    this.settled(at, oldestHeld);
  }

  /** Frames left the spool (acknowledged); `oldestHeld` is the oldest still held, if any. */
  settled(at: number, oldestHeld: number | undefined): void {
    if (this.backlogThrough === null || this.state.drainedAt !== null) return;
    if (oldestHeld === undefined || oldestHeld > this.backlogThrough) this.state.drainedAt = at;
  }
}

interface Spread { p50: number | null; p99: number | null; max: number | null }

export interface DrainSummary {
  /** Frames the agents produced while they had no connection, in total and per agent. */
  backlogFrames: { total: number; p50: number | null; max: number | null };
  /** Frames in flight at the kill (sent, unacknowledged): stored by the collector or not, the welcome tells. */
  unackedAtKill: number;
  /** Of the frames held at the welcomes, those the collector had stored already (dropped, not resent). */
  storedBeforeWelcome: number;
  /** Frames sent again or for the first time after the welcomes to catch up. */
  replayedFrames: number;
  /** Per agent: the kill → the collector acknowledging the last frame of its backlog. */
  drainedMs: Spread;
  /** The kill → every backlog frame of every agent acknowledged; null unless all drained. */
  allDrainedMs: number | null;
  /** The restarted collector listening → the same instant. */
  allDrainedAfterListeningMs: number | null;
  /** Agents whose backlog was not acknowledged in full by the end (not readmitted, or too slow). */
  notDrained: number;
}

/** Folds the agents' drain records into the storm's figures; times in performance.now() milliseconds. */
export function summarizeDrain(records: readonly DrainRecord[], killedAt: number, listeningAt: number): DrainSummary {
  const backlog = summarize(records.map((r) => r.producedWhileDown), 0);
  const drainedAt = records.map((r) => r.drainedAt).filter((t): t is number => t !== null);
  const drained = summarize(drainedAt.map((t) => t - killedAt));
  const allDrained = records.length > 0 && drainedAt.length === records.length;
  const lastDrain = allDrained ? drainedAt.reduce((a, b) => Math.max(a, b), -Infinity) : null;
  let total = 0;
  let unacked = 0;
  let stored = 0;
  let replayed = 0;
  for (const r of records) {
    total += r.producedWhileDown;
    unacked += r.unackedAtOutage;
    stored += r.storedBeforeWelcome;
    replayed += r.replayed;
  }
  return {
    backlogFrames: { total, p50: backlog.p50, max: backlog.max },
    unackedAtKill: unacked,
    storedBeforeWelcome: stored,
    replayedFrames: replayed,
    drainedMs: { p50: drained.p50, p99: drained.p99, max: drained.max },
    allDrainedMs: lastDrain === null ? null : roundTo(lastDrain - killedAt, 0),
    allDrainedAfterListeningMs: lastDrain === null ? null : roundTo(lastDrain - listeningAt, 0),
    notDrained: records.length - drainedAt.length,
  };
}
