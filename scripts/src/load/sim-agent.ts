import {
  CollectorMessageSchema, PROTOCOL_VERSION, describeZodError, signChallenge,
  type AgentMessage, type CollectorMessage, type Frame,
} from '@vigil/shared';
import type { KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { BacklogDrain } from './backlog-drain.js';
import type { RunStats } from './run-stats.js';
import type { SampleProfile } from './sample-profile.js';
import { closeSocket } from './close-socket.js';
import type { SimJobRunner } from './sim-job-runner.js';
import { SimSpool, frameText } from './sim-spool.js';

export interface SimIdentity {
  agentId: string;
  privateKey: KeyObject;
}

export const SIM_AGENT_VERSION = 'load-sim/0.1.0';

/** The message types this simulator understands; anything else comes from a newer collector. */
const KNOWN_MESSAGE_TYPES: ReadonlySet<string> = new Set(CollectorMessageSchema.options.map((option) => option.shape.type.value));

type State = 'idle' | 'handshaking' | 'ready' | 'closed';

/** A handshake that ended in a close; `code` 1013 means "busy, retry later". */
export class HandshakeClosedError extends Error {
  constructor(readonly code: number, reason: string) {
    super(`closed during handshake: ${code} ${reason}`);
  }
}

/**
 * One simulated agent on one WebSocket, speaking the real protocol: challenge → signed hello →
 * welcome, then frames with increasing seq. Frames pass through a spool as on the real agent (see
 * SimSpool): held until acknowledged, at most its in-flight window on the wire, replayed after a
 * reconnection from the welcome's lastSeq on. Ack latency runs from a frame's production, so time
 * spent waiting in the spool counts.
 */
export class SimAgent {
  private socket: WebSocket | null = null;
  private state: State = 'idle';
  private readonly spool = new SimSpool();
  /** Set by beginOutage(): follows the backlog of one collector outage until it drained. */
  private outage: BacklogDrain | null = null;
  framesProduced = 0;
  /** Frames acknowledged after going out more than once (the earlier send was lost with its connection). */
  framesResent = 0;
  /** Acks for a seq this agent had handed out but no longer held: the collector acknowledged it twice. */
  duplicateAcks = 0;
  lastSentAt = 0;
  heartbeatMs = 30_000;
  /** When set, the next frame reports a CPU breach and this is called with the time it was produced. */
  breachNext: ((sentAt: number) => void) | null = null;
  /** When set, the next frame carries these sections (as a real agent's periodic inventory and patch scans). */
  sectionsNext: Record<string, unknown> | null = null;
  private closeWaiters: Array<() => void> = [];

  constructor(
    readonly identity: SimIdentity,
    private readonly profile: SampleProfile,
    private readonly stats: RunStats,
    /** Answers job dispatches; without one they are ignored, as by an agent with scripting disabled. */
    private readonly jobs: SimJobRunner | null = null,
    /**
     * Keep producing frames while disconnected, to be replayed on reconnection, as a real agent
     * does. Off, frames are produced only while connected: a steady-load run, whose agents never
     * reconnect, then counts only frames that could have reached the collector.
     */
    private readonly spoolWhileDisconnected = false,
  ) {}

  get agentId(): string {
    return this.identity.agentId;
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  /** Resolves once the current connection has closed (at once if there is none). */
  whenClosed(): Promise<void> {
    if (this.state === 'closed' || this.state === 'idle') return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  /**
   * Opens the socket and completes the handshake; rejects on refusal, close or timeout. May be
   * called again after the connection closed, as an agent reconnecting.
   */
  connect(url: string, timeoutMs: number): Promise<void> {
    if (this.state === 'handshaking' || this.state === 'ready') return Promise.reject(new Error(`agent ${this.agentId} connected already`));
    this.state = 'handshaking';
    return new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
      this.socket = socket;
      let settled = false;
      const settle = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          this.state = 'closed';
          socket.terminate();
          reject(err);
        } else {
          resolve();
        }
      };
      const timer = setTimeout(() => settle(new Error(`no welcome within ${timeoutMs}ms`)), timeoutMs);
      socket.on('message', (data, isBinary) => {
        const message = this.parse(data, isBinary);
        if (message) this.onMessage(message, settle);
      });
      socket.on('close', (code, reason) => {
        // A socket given up on (terminated after a failed attempt) may close after the next attempt began.
        if (this.socket !== socket) return;
        const wasReady = this.state === 'ready';
        this.state = 'closed';
        this.spool.disconnect();
        this.stats.recordClose(code);
        if (!settled) settle(new HandshakeClosedError(code, reason.toString('utf8')));
        else if (wasReady && !this.stats.shuttingDown && !this.stats.expectDisconnects) {
          this.stats.error('unexpected_close', `agent ${this.agentId} closed by ${code} ${reason.toString('utf8')}`);
        }
        const waiters = this.closeWaiters;
        this.closeWaiters = [];
        for (const wake of waiters) wake();
      });
      socket.on('error', (err) => {
        if (!settled) settle(err);
        else this.stats.error('socket_error', `agent ${this.agentId}: ${err.message}`);
      });
    });
  }

  /** Frames held in the spool: produced, not yet acknowledged. */
  get framesHeld(): number {
    return this.spool.size;
  }

  /**
   * Produces the next frame into the spool and sends what the window allows; false when no frame
   * was produced (not connected, and not spooling while disconnected).
   */
  produceFrame(): boolean {
    const spooling = this.spoolWhileDisconnected && this.state !== 'idle';
    if (this.state !== 'ready' && !spooling) return false;
    const breach = this.breachNext;
    this.breachNext = null;
    const sections = this.sectionsNext;
    this.sectionsNext = null;
    const body: Omit<Frame, 'type' | 'seq'> = {
      ts: Date.now(), samples: this.profile.next(breach !== null),
      sources: [
        { source: 'cpu', status: 'ok' },
        { source: 'memory', status: 'ok' },
        { source: 'disk', status: 'ok' },
        { source: 'network', status: 'ok' },
      ],
      ...(sections ? { sections } : {}),
    };
    const producedAt = performance.now();
    this.spool.push(producedAt, JSON.stringify(body));
    this.framesProduced++;
    this.outage?.produced();
    if (this.stats.inWindow(producedAt)) this.stats.framesSent++;
    this.pump();
    breach?.(producedAt);
    return true;
  }

  /**
   * The collector is about to go away: from now on, track the backlog this agent builds up and
   * when it has drained (see BacklogDrain).
   */
  beginOutage(now: number): void {
    this.outage = new BacklogDrain(now, this.spool.size);
  }

  get outageRecord(): BacklogDrain | null {
    return this.outage;
  }

  /** Sends any message on the open session; false when the socket is not (or no longer) usable. */
  send(message: AgentMessage): boolean {
    if (this.state !== 'ready' || !this.socket) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Keeps a quiet connection alive the way a real agent does between frames. */
  heartbeatIfQuiet(now: number): void {
    if (this.state !== 'ready' || !this.socket || now - this.lastSentAt < this.heartbeatMs) return;
    this.lastSentAt = now;
    this.socket.send(JSON.stringify({ type: 'heartbeat', ts: Date.now() } satisfies AgentMessage));
  }

  /** Frames produced inside the measurement window that have no ack yet (on the wire or still spooled). */
  unackedInWindow(): number {
    let n = 0;
    for (const frame of this.spool.held()) if (this.stats.inWindow(frame.producedAt)) n++;
    return n;
  }

  close(timeoutMs: number): Promise<void> {
    return closeSocket(this.socket, timeoutMs, 'load simulation finished');
  }

  /** Puts on the socket whatever the spool's send window allows. */
  private pump(): void {
    const socket = this.socket;
    if (this.state !== 'ready' || !socket) return;
    const batch = this.spool.takeSendable();
    if (batch.length === 0) return;
    for (const frame of batch) socket.send(frameText(frame));
    this.lastSentAt = performance.now();
  }

  private parse(data: WebSocket.RawData, isBinary: boolean): CollectorMessage | null {
    if (isBinary) {
      this.stats.error('bad_server_message', `agent ${this.agentId}: binary message from the collector`);
      return null;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.stats.error('bad_server_message', `agent ${this.agentId}: not JSON: ${text.slice(0, 80)}`);
      return null;
    }
    const type = (raw as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && !KNOWN_MESSAGE_TYPES.has(type)) {
      // A newer collector may say things this simulator has no use for; the real agent ignores them too.
      this.stats.ignoreMessage(type);
      return null;
    }
    const parsed = CollectorMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.stats.error('bad_server_message', `agent ${this.agentId}: ${describeZodError(parsed.error)}`);
      return null;
    }
    return parsed.data;
  }

  private welcomed(lastSeq: number, heartbeatSec: number): void {
    const { stored } = this.spool.welcome(lastSeq);
    const now = performance.now();
    this.outage?.welcomed(now, stored, this.spool.size, this.spool.newestSeq, this.spool.oldestSeq);
    this.heartbeatMs = heartbeatSec * 1000;
    this.lastSentAt = now;
    this.state = 'ready';
  }

  private onMessage(message: CollectorMessage, settle: (err?: Error) => void): void {
    switch (message.type) {
      case 'challenge': {
        if (this.state !== 'handshaking') return this.stats.error('protocol', `agent ${this.agentId}: challenge after the handshake`);
        if (message.protocolVersion !== PROTOCOL_VERSION) {
          return settle(new Error(`collector speaks protocol ${message.protocolVersion}, the simulator ${PROTOCOL_VERSION}`));
        }
        const hello: AgentMessage = {
          type: 'hello', protocolVersion: PROTOCOL_VERSION, agentId: this.agentId, agentVersion: SIM_AGENT_VERSION,
          nonce: message.nonce, signature: signChallenge(this.identity.privateKey, this.agentId, message.nonce),
        };
        this.socket?.send(JSON.stringify(hello));
        return;
      }
      case 'welcome':
        if (message.agentId !== this.agentId) return settle(new Error(`welcomed as ${message.agentId}, expected ${this.agentId}`));
        this.welcomed(message.lastSeq, message.heartbeatSec);
        settle();
        // Replays what the spool holds beyond lastSeq, then goes on with live frames.
        return this.pump();
      case 'ack': {
        const frame = this.spool.ack(message.seq);
        if (frame === null) {
          if (message.seq <= this.spool.newestSeq) this.duplicateAcks++;
          return this.stats.error('unexpected_ack', `agent ${this.agentId}: ack for seq ${message.seq} that is not outstanding`);
        }
        const now = performance.now();
        if (frame.sends > 1) this.framesResent++;
        this.stats.recordAck(frame.producedAt, now);
        this.outage?.settled(now, this.spool.oldestSeq);
        return this.pump();
      }
      case 'error':
        return this.stats.error('collector_error', `agent ${this.agentId}: ${message.code}: ${message.message}`);
      case 'job.dispatch':
        return this.jobs?.onDispatch(this, message);
      case 'job.cancel':
        return this.jobs?.onCancel(message);
      case 'trust.update':
        // Simulated agents verify no signatures, so they have no trust document to update.
      case 'heartbeat':
        return;
    }
  }
}
