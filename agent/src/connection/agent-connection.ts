import { backOff } from 'exponential-backoff';
import {
  CloseCode,
  FATAL_CLOSE_CODES,
  HANDSHAKE_TIMEOUT_MS,
  MAX_MESSAGE_BYTES,
  type Frame,
  type JobCancelMessage,
  type JobOutputMessage,
  type JobDispatchMessage,
  type SpoolReport,
  type TrustUpdateMessage,
  type WelcomeMessage,
} from '@vigil/shared';
import type { Logger } from '../log.js';
import type { SeqSource } from '../state/seq-store.js';
import type { StatusPatch } from '../state/status-file.js';
import { ConnectAttemptError, FatalCloseError, StoppedError, describeClose } from './errors.js';
import type { FrameQueue } from './frame-queue.js';
import { JobOutbox, type JobMessage } from './job-outbox.js';
import type { ServerTrust } from './server-trust.js';
import { SocketSession } from './socket-session.js';
import { agentSocketUrl } from './url.js';
import type { DeliveryTracker } from './delivery-tracker.js';
import { tooBigCulprit } from './too-big-culprit.js';
import { encodeMessage } from './wire-message.js';

/** Close codes that keep the backoff growing even when the session had been welcomed. */
const BACK_OFF_AFTER_WELCOME: readonly number[] = [CloseCode.replaced, CloseCode.rateLimited];

export interface StatusSink {
  update(patch: StatusPatch): void;
}

export interface AgentConnectionOptions {
  /** The collector's http(s) URL, as stored at enrollment. */
  server: string;
  agentId: string;
  privateKeyPem: string;
  agentVersion: string;
  /** The frame interval, announced to the collector for offline detection. */
  intervalMs?: number;
  trust?: ServerTrust;
  queue: FrameQueue;
  seq: SeqSource;
  logger: Logger;
  onDispatch: (message: JobDispatchMessage) => void;
  onCancel?: (message: JobCancelMessage) => void;
  onTrustUpdate?: (message: TrustUpdateMessage) => void;
  /** The pinned script-trust version, announced in every hello (0: none). */
  trustVersion?: () => number;
  status?: StatusSink;
  outbox?: JobOutbox;
  /** Reconnect delays: full jitter over an exponential curve from `startingDelayMs`, capped at `maxDelayMs`. */
  backoff?: { startingDelayMs?: number; maxDelayMs?: number };
  handshakeTimeoutMs?: number;
  /** Overrides the collector's welcome.heartbeatSec (tests). */
  heartbeatMs?: number;
  silentHeartbeats?: number;
  /** Frames sent but not yet acknowledged, at most; the rest wait in the queue. */
  maxInFlight?: number;
  /** Told when frames are known to be stored, so sources can commit their cursors. */
  delivery?: DeliveryTracker;
}

/**
 * Keeps the agent connected: reconnects with capped, fully jittered exponential backoff, stops
 * for good on a fatal close code, and delivers queued frames and script messages in order.
 */
export class AgentConnection {
  private readonly outbox: JobOutbox;
  private session: SocketSession | undefined;
  private stopped = false;
  private stopRequested!: () => void;
  private readonly stopSignal = new Promise<void>((resolve) => {
    this.stopRequested = resolve;
  });
  /** Highest seq sent (or passed over) on the current session, and the seqs still awaiting an ack there, with their encoded sizes. */
  private cursor = 0;
  private readonly inFlight = new Map<number, number>();
  private lastAckedSeq: number | null = null;
  /** Whether the collector of the current session said it takes job.output. */
  private liveOutputTaken = false;

  constructor(private readonly options: AgentConnectionOptions) {
    this.outbox = options.outbox ?? new JobOutbox();
    agentSocketUrl(options.server); // fail fast on a URL we cannot turn into a socket address
    // A spool reopened after a restart already holds frames; say so before the first connect.
    this.reportQueue();
  }

  /** Resolves once stop() is called; rejects with FatalCloseError when the collector refuses the agent. */
  async run(): Promise<void> {
    const { startingDelayMs = 1_000, maxDelayMs = 60_000 } = this.options.backoff ?? {};
    let firstAttempt = true;
    while (!this.stopped) {
      const attempts = backOff(() => this.connectOnce(), {
        startingDelay: startingDelayMs,
        maxDelay: maxDelayMs,
        timeMultiple: 2,
        jitter: 'full',
        numOfAttempts: Number.POSITIVE_INFINITY,
        // After a session that was welcomed, wait a jittered moment too, so a collector restart
        // is not met by every agent at the same instant.
        delayFirstAttempt: !firstAttempt,
        retry: (error: unknown, attempt: number) => {
          if (this.stopped || error instanceof FatalCloseError || error instanceof StoppedError) return false;
          this.options.logger.info({ attempt, err: (error as Error).message }, 'connection attempt failed; retrying');
          return true;
        },
      });
      // The backoff's sleep cannot be cancelled, so a stop must not wait for it to elapse.
      attempts.catch(() => {});
      try {
        await Promise.race([attempts, this.stopSignal]);
      } catch (error) {
        if (error instanceof FatalCloseError) {
          this.setStatus({ state: 'disconnected', lastError: error.message });
          throw error;
        }
        if (!this.stopped) throw error;
      }
      firstAttempt = false;
    }
  }

  /** Closes the socket with 1000 and makes run() resolve. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopRequested();
    const session = this.session;
    if (session) await session.close(CloseCode.normal, 'agent stopping');
  }

  /**
   * Queues a frame and sends it at once when connected. With a durable queue the frame is safe
   * once queued, so its delivery hooks run now; otherwise they wait for the collector's ack.
   * Returns false when the frame could not be queued (it is lost, and nothing may count on it).
   */
  enqueueFrame(frame: Frame, onDelivered: ReadonlyArray<() => void> = []): boolean {
    const { queue, delivery, logger } = this.options;
    try {
      queue.push(frame);
    } catch (error) {
      // Not queued, so not safe: the hooks do not run and the sources read those entries again.
      logger.error({ seq: frame.seq, err: (error as Error).message }, 'cannot queue a frame; it is lost');
      this.reportQueue();
      return false;
    }
    if (queue.durable) {
      delivery?.deliveredNow(onDelivered);
    } else {
      delivery?.track(frame.seq, onDelivered);
      // Frames the full queue dropped will never be acknowledged; neither will their hooks run.
      const oldest = queue.oldestSeq;
      if (oldest !== undefined) delivery?.forgetBelow(oldest);
    }
    this.pump();
    this.reportQueue();
    return true;
  }

  /** Queues a script message; it goes out now or after the next welcome. */
  sendJobMessage(message: JobMessage): void {
    this.outbox.push(message);
    this.flushOutbox();
    this.reportQueue();
  }

  /**
   * Sends live script output now, or drops it: not connected, or the collector does not take it.
   * Never queued: the run's result carries the whole output, and a late chunk helps nobody.
   */
  sendLiveOutput(message: JobOutputMessage): boolean {
    const session = this.session;
    if (!session?.ready || !this.liveOutputTaken) return false;
    return session.send(message);
  }

  get connected(): boolean {
    return this.session?.ready ?? false;
  }

  private async connectOnce(): Promise<void> {
    if (this.stopped) throw new StoppedError();
    const { logger } = this.options;
    const url = agentSocketUrl(this.options.server);
    this.setStatus({ state: 'connecting' });
    logger.debug({ url }, 'connecting');
    const session = new SocketSession({
      url,
      agentId: this.options.agentId,
      privateKeyPem: this.options.privateKeyPem,
      agentVersion: this.options.agentVersion,
      ...(this.options.intervalMs ? { intervalMs: this.options.intervalMs } : {}),
      ...(this.options.trust ? { trust: this.options.trust } : {}),
      ...(this.options.trustVersion ? { trustVersion: this.options.trustVersion } : {}),
      handshakeTimeoutMs: this.options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
      silentHeartbeats: this.options.silentHeartbeats ?? 3,
      ...(this.options.heartbeatMs !== undefined ? { heartbeatMs: this.options.heartbeatMs } : {}),
      logger,
      onWelcome: (welcome) => this.welcomed(welcome),
      onMessage: (message) => {
        switch (message.type) {
          case 'ack':
            return this.acked(message.seq);
          case 'job.dispatch':
            return this.options.onDispatch(message);
          case 'job.cancel':
            return this.options.onCancel?.(message);
          case 'trust.update':
            return this.options.onTrustUpdate?.(message);
          default:
            return;
        }
      },
    });
    this.session = session;
    const end = await session.ended;
    this.session = undefined;
    this.liveOutputTaken = false;
    if (end.code === CloseCode.tooBig) this.dropRefusedFrame();
    this.inFlight.clear();
    this.cursor = 0;

    const described = describeClose(end.code, end.reason);
    const lastError = this.stopped && end.code === CloseCode.normal ? null : (end.error ?? `closed ${described}`);
    this.setStatus({ state: 'disconnected', ...(end.welcomed ? { lastDisconnectedAt: new Date().toISOString() } : {}), lastError });
    if (this.stopped) throw new StoppedError();
    if (FATAL_CLOSE_CODES.includes(end.code)) {
      logger.error({ code: end.code, reason: end.reason }, 'the collector refused this agent; not reconnecting');
      throw new FatalCloseError(end.code, end.reason);
    }
    logger.warn({ code: end.code, reason: end.reason, error: end.error, welcomed: end.welcomed }, 'disconnected');
    // A welcomed session ends the backoff round (resetting its delay); anything less counts as a
    // failed attempt. So do the closes that mean "come back later, not at once" even after a
    // welcome: being replaced (two agents sharing one identity would otherwise take turns evicting
    // each other as fast as they can reconnect) and being rate limited (a reset delay would bring
    // the agent back within a second, to be cut off again, over and over).
    if (!end.welcomed || BACK_OFF_AFTER_WELCOME.includes(end.code)) throw new ConnectAttemptError(end.error ?? `closed ${described}`);
  }

  private welcomed(welcome: WelcomeMessage): void {
    const { queue, seq, logger } = this.options;
    if (welcome.lastSeq > seq.last) {
      // The collector holds seqs this agent never handed out: the local counter was lost. Frames
      // still queued would collide with stored ones, so they move above the collector's mark.
      const firstSeq = welcome.lastSeq + 1;
      let previous: number[] = [];
      try {
        previous = queue.renumber(firstSeq);
      } catch (error) {
        logger.error({ err: (error as Error).message }, 'cannot renumber the queued frames; the collector will take them for ones it has');
      }
      seq.advanceTo(welcome.lastSeq + previous.length);
      previous.forEach((from, i) => this.options.delivery?.renumbered(from, firstSeq + i));
      logger.warn({ localSeq: seq.last, collectorSeq: welcome.lastSeq, renumbered: previous.length }, 'collector is ahead of the local seq; continuing after it');
    } else {
      const stored = queue.discardThrough(welcome.lastSeq);
      this.options.delivery?.storedThrough(welcome.lastSeq);
      if (stored) logger.info({ frames: stored, lastSeq: welcome.lastSeq }, 'collector already stored frames awaiting ack');
    }
    this.liveOutputTaken = welcome.liveOutput === true;
    logger.info({ lastSeq: welcome.lastSeq, pending: queue.size }, 'connected');
    this.setStatus({ state: 'connected', lastConnectedAt: new Date().toISOString(), lastError: null, lastSeq: seq.last });
    this.cursor = 0;
    this.inFlight.clear();
    this.pump();
    this.flushOutbox();
    this.reportQueue();
  }

  private acked(seq: number): void {
    this.options.queue.ack(seq);
    this.options.delivery?.acked(seq);
    this.inFlight.delete(seq);
    if (this.lastAckedSeq === null || seq > this.lastAckedSeq) this.lastAckedSeq = seq;
    this.pump();
    this.reportQueue();
  }

  /**
   * Sends queued frames in seq order, keeping at most maxInFlight unacknowledged on the wire. A
   * frame over the message limit is dropped rather than sent: the collector would close the
   * connection on it, and as the oldest unacknowledged frame it would go out first on every
   * reconnect, holding back everything queued after it for good.
   */
  private pump(): void {
    const session = this.session;
    if (!session?.ready) return;
    const { queue } = this.options;
    const maxInFlight = this.options.maxInFlight ?? 64;
    for (;;) {
      const room = maxInFlight - this.inFlight.size;
      if (room <= 0) return;
      const frames = queue.after(this.cursor, room);
      if (frames.length === 0) return;
      // Stamped at sending, not when queued (and after reading, which drops frames that no longer
      // read back): the backlog of an outage reaches the collector with the drops that outage caused.
      const spool: SpoolReport = { dropped: queue.dropped, depth: queue.size };
      for (const frame of frames) {
        const encoded = encodeMessage({ ...frame, spool });
        if (encoded.bytes > MAX_MESSAGE_BYTES) {
          this.cursor = frame.seq;
          this.dropUndeliverable(frame.seq, encoded.bytes, `a queued frame is over the message size limit of ${MAX_MESSAGE_BYTES} bytes; dropped instead of sent`);
          // Read again: the frames after it carry the drop in their spool report.
          break;
        }
        if (!session.sendEncoded(encoded)) return;
        queue.sent(frame.seq);
        this.cursor = frame.seq;
        this.inFlight.set(frame.seq, encoded.bytes);
      }
    }
  }

  /**
   * The collector closed with 1009: a frame it was sent is over its limit (which can be lower than
   * this agent's, or the agent's own sizing can be wrong). Resending it would end every session the
   * same way, so it goes; see tooBigCulprit for which one.
   */
  private dropRefusedFrame(): void {
    const culprit = tooBigCulprit(this.inFlight);
    if (!culprit) {
      this.options.logger.warn('the collector refused a message as too big, but no frame was awaiting its ack');
      return;
    }
    this.dropUndeliverable(culprit.seq, culprit.bytes, 'the collector refused a frame as too big (1009); dropped instead of resent');
  }

  private dropUndeliverable(seq: number, bytes: number, why: string): void {
    const { queue, delivery, logger } = this.options;
    if (!queue.drop(seq)) return;
    // Never delivered, so its hooks must not run (with a durable queue they already have).
    delivery?.forget(seq);
    logger.warn({ seq, bytes, dropped: queue.dropped }, why);
    this.reportQueue();
  }

  private flushOutbox(): void {
    const session = this.session;
    if (!session?.ready) return;
    this.outbox.flush(
      (message, done) => session.send(message, done),
      () => this.reportQueue(),
    );
  }

  private reportQueue(): void {
    this.setStatus({
      unacked: this.options.queue.size,
      dropped: this.options.queue.dropped,
      spoolBytes: this.options.queue.bytes,
      spoolMaxBytes: this.options.queue.maxBytes,
      lastAckedSeq: this.lastAckedSeq,
      lastSeq: this.options.seq.last,
      pendingResults: this.outbox.pendingResults,
    });
  }

  private setStatus(patch: StatusPatch): void {
    this.options.status?.update(patch);
  }
}
