import {
  CloseCode, HANDSHAKE_TIMEOUT_MS, PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, newNonce, publicKeyFromBase64, verifyChallenge,
  type AgentMessage, type CollectorMessage,
} from '@vigil/shared';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { evaluatedAgentFromRow } from '../alerts/evaluated-agent.js';
import type { IngestQueue } from '../ingest/ingest-queue.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import { JobReportBatch } from './job-report-batch.js';
import type { JobReport } from '../remediation/job-results.js';
import type { JobService } from '../remediation/job-service.js';
import { LiveOutput } from '../remediation/live-output.js';
import type { TrustService } from '../remediation/trust-service.js';
import type { Store } from '../store/index.js';
import { AgentConnection, closeReason } from './agent-connection.js';
import type { ConnectionRegistry } from './connection-registry.js';
import { ConnectionThrottle, DEFAULT_RATE_LIMITS, type RateLimits } from './connection-throttle.js';
import { DEFAULT_HANDSHAKE_LIMITS, HandshakeSlots } from './handshake-slots.js';
import { parseAgentMessage } from './parse-agent-message.js';

export interface GatewayOptions {
  heartbeatSec: number;
  handshakeTimeoutMs?: number;
  /** Connections that may be between accept and welcome at once (reconnect storms). */
  maxPendingHandshakes?: number;
  /** The same, per client address (IPv6 per /64). */
  maxPendingHandshakesPerAddress?: number;
  /** Per-connection message and byte rates; unset fields keep DEFAULT_RATE_LIMITS. */
  rateLimits?: Partial<RateLimits>;
}

const BUSY_REASON = 'collector busy admitting agents; retry later';
/** How long a refused socket gets to complete the close handshake before it is cut. */
const REFUSED_CLOSE_GRACE_MS = 2_000;

/**
 * The /agent WebSocket: challenge → signed hello → welcome, then frames, job updates and
 * heartbeats. Anything malformed closes that one connection with a code and a reason; nothing
 * from a refused message is stored, and every other agent carries on.
 */
export class AgentGateway {
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly rateLimits: RateLimits;
  /**
   * A handshake costs a signature check and a few row reads and writes; bounding how many run at
   * once keeps a reconnect storm from queueing thousands of them ahead of the API while agents
   * are admitted as fast as the loop can verify them (more wait in their own backoff, not in our
   * memory).
   */
  private readonly handshakes: HandshakeSlots;
  private readonly jobReports: JobReportBatch;
  /** What running scripts printed so far, for the job stream. */
  readonly liveOutput: LiveOutput;

  constructor(
    private readonly store: Store,
    private readonly registry: ConnectionRegistry,
    private readonly ingest: IngestQueue,
    private readonly jobs: JobService,
    private readonly trust: TrustService,
    private readonly metrics: CollectorMetrics,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly options: GatewayOptions,
  ) {
    // One timer for all connections: an agent silent for three heartbeats is presumed gone.
    this.sweepTimer = setInterval(() => this.sweepSilent(), options.heartbeatSec * 1000);
    this.sweepTimer.unref();
    this.rateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
    this.liveOutput = new LiveOutput((runId) => store.jobs.runProgress(runId), log);
    this.jobReports = new JobReportBatch((reports) => this.storeReports(reports), (err) => log.error({ err }, 'storing job reports failed'));
    this.handshakes = new HandshakeSlots({
      total: options.maxPendingHandshakes ?? DEFAULT_HANDSHAKE_LIMITS.total,
      perAddress: options.maxPendingHandshakesPerAddress ?? DEFAULT_HANDSHAKE_LIMITS.perAddress,
    });
  }

  /** Connections accepted and not yet welcomed or closed. */
  get handshakesInProgress(): number {
    return this.handshakes.size;
  }

  accept(socket: WebSocket, request: FastifyRequest): void {
    const remote = request.ip;
    const slot = this.handshakes.acquire(remote);
    if (!slot.ok) {
      // Refused before any work: no nonce, no timer. The agent backs off (jittered) and retries.
      this.metrics.connectionsRefused.inc({ reason: slot.why === 'total' ? 'busy' : 'busy_address' });
      this.log.debug({ remote, pending: this.handshakes.size, why: slot.why }, 'agent connection refused: too many handshakes in progress');
      socket.close(CloseCode.tryAgainLater, BUSY_REASON);
      setTimeout(() => socket.terminate(), REFUSED_CLOSE_GRACE_MS).unref();
      return;
    }
    const endHandshake = slot.release;

    const nonce = newNonce();
    const throttle = new ConnectionThrottle(this.rateLimits, this.now());
    let resumeTimer: NodeJS.Timeout | undefined;
    let throttled = false;
    let connection: AgentConnection | null = null;
    let closeGraceTimer: NodeJS.Timeout | undefined;
    const refuse = (code: number, reason: string, metricReason: string): void => {
      // The slot is free at once: a peer that never answers the close frame must not keep it.
      endHandshake();
      if (!closeGraceTimer) closeGraceTimer = setTimeout(() => socket.terminate(), REFUSED_CLOSE_GRACE_MS).unref();
      this.metrics.connectionsRefused.inc({ reason: metricReason });
      this.log.warn({ remote, agentId: connection?.agentId, code, reason }, 'agent connection refused');
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, closeReason(reason));
      // Reading again lets the close handshake complete; whatever else arrives is ignored below.
      clearTimeout(resumeTimer);
      socket.resume();
    };
    const handshakeTimer = setTimeout(
      () => refuse(CloseCode.handshakeTimeout, 'no hello within the handshake timeout', 'handshake_timeout'),
      this.options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
    );

    socket.on('message', (data, isBinary) => {
      // Messages already read when the connection was refused are not processed.
      if (socket.readyState !== socket.OPEN) return;
      const decision = throttle.admit(byteLength(data), this.now());
      if (decision.action === 'close') return refuse(CloseCode.rateLimited, decision.reason, 'rate_limited');
      if (decision.action === 'pause') {
        // Slow the sender down instead of dropping it: TCP holds the rest until we read again.
        if (!throttled) {
          throttled = true;
          this.log.info({ remote, agentId: connection?.agentId, pauseMs: Math.ceil(decision.ms) }, 'agent connection over its rate; reading paused to pace it');
        }
        clearTimeout(resumeTimer);
        socket.pause();
        resumeTimer = setTimeout(() => socket.resume(), Math.ceil(decision.ms));
      }
      const parsed = parseAgentMessage(data as Buffer, isBinary);
      if (!parsed.ok) return refuse(parsed.code, parsed.reason, 'bad_message');
      const message = parsed.message;
      if (!connection) {
        if (message.type !== 'hello') return refuse(CloseCode.unauthorized, `authenticate first: expected hello, got ${message.type}`, 'unauthenticated');
        clearTimeout(handshakeTimer);
        const result = this.authenticate(message, nonce);
        if (!result.ok) return refuse(result.code, result.reason, result.metric);
        connection = new AgentConnection(result.agent, socket, this.now(), message.intervalSec ? Math.round(message.intervalSec * 1000) : null);
        endHandshake();
        this.admit(connection, result, message);
        return;
      }
      connection.lastHeardAt = this.now();
      this.handle(connection, message, refuse);
    });
    socket.on('close', () => {
      clearTimeout(handshakeTimer);
      clearTimeout(resumeTimer);
      clearTimeout(closeGraceTimer);
      endHandshake();
      // Only the agent's current connection: a replaced one closing must not touch what the new one sends.
      if (connection && this.registry.remove(connection)) {
        this.liveOutput.agentGone(connection.agentId);
        this.metrics.agentsConnected.set(this.registry.size);
        this.log.info({ agentId: connection.agentId, tenant: connection.agent.tenantId }, 'agent disconnected');
      }
    });
    socket.on('error', (err) => {
      // ws closes the socket itself (e.g. 1009 for an oversized message, 1007 for invalid UTF-8).
      this.metrics.connectionsRefused.inc({ reason: 'socket_error' });
      this.log.warn({ remote, agentId: connection?.agentId, err: err.message, wsCode: (err as { code?: string }).code }, 'agent socket error');
    });
    socket.send(JSON.stringify({ type: 'challenge', protocolVersion: PROTOCOL_VERSION, nonce } satisfies CollectorMessage));
  }

  private authenticate(hello: Extract<AgentMessage, { type: 'hello' }>, nonce: string):
    | { ok: true; agent: AgentConnection['agent']; lastSeq: number; agentVersion: string; trustVersion: number }
    | { ok: false; code: number; reason: string; metric: string } {
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(hello.protocolVersion)) {
      return {
        ok: false, code: CloseCode.unsupportedProtocol, metric: 'protocol_version',
        reason: `unsupported protocol version ${hello.protocolVersion}; this collector speaks ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`,
      };
    }
    const row = this.store.agents.get(hello.agentId);
    if (!row) return { ok: false, code: CloseCode.unauthorized, reason: 'unknown agent id; enroll again', metric: 'unknown_agent' };
    if (row.revokedAt !== null) return { ok: false, code: CloseCode.revoked, reason: 'agent revoked', metric: 'revoked' };
    if (hello.nonce !== nonce || !verifyChallenge(publicKeyFromBase64(row.publicKey), row.id, nonce, hello.signature)) {
      return { ok: false, code: CloseCode.unauthorized, reason: 'challenge signature verification failed', metric: 'bad_signature' };
    }
    return {
      ok: true,
      agent: evaluatedAgentFromRow(row),
      lastSeq: row.lastSeq,
      agentVersion: row.agentVersion,
      trustVersion: row.trustVersion,
    };
  }

  /** `stored` is what authenticate() already read of the agent's row. */
  private admit(connection: AgentConnection, stored: { lastSeq: number; agentVersion: string; trustVersion: number }, hello: Extract<AgentMessage, { type: 'hello' }>): void {
    const previous = this.registry.add(connection);
    previous?.close(CloseCode.replaced, 'replaced by a newer connection of the same agent');
    this.metrics.agentsConnected.set(this.registry.size);
    if (stored.agentVersion !== hello.agentVersion) this.store.agents.updateVersion(connection.agentId, hello.agentVersion);
    // An agent that does not say what it pins is taken to pin nothing: the current document is offered.
    const pinned = hello.trustVersion ?? 0;
    if (stored.trustVersion !== pinned) this.store.agents.setTrustVersion(connection.agentId, pinned);
    this.store.agents.touch(connection.agentId, this.now());
    connection.send({
      type: 'welcome', agentId: connection.agentId, lastSeq: stored.lastSeq, serverTime: this.now(),
      heartbeatSec: this.options.heartbeatSec, liveOutput: true,
    });
    this.log.info({ agentId: connection.agentId, tenant: connection.agent.tenantId, agentVersion: hello.agentVersion, trustVersion: pinned }, 'agent connected');
    // Keys before scripts: a script signed by a key added since the agent last connected verifies.
    this.trust.offer(connection, pinned);
    this.jobs.agentConnected(connection.agentId);
  }

  private handle(connection: AgentConnection, message: AgentMessage, refuse: (code: number, reason: string, metric: string) => void): void {
    switch (message.type) {
      case 'frame':
        this.ingest.enqueue({
          agent: connection.agent,
          frame: message,
          receivedAt: this.now(),
          ack: () => connection.send({ type: 'ack', seq: message.seq }),
        });
        return;
      case 'job.started':
      case 'job.result':
        this.jobReports.add({ agentId: connection.agentId, message, now: this.now() });
        return;
      case 'job.output':
        // Not batched like the reports: it touches no table, and watchers want it now.
        this.liveOutput.accept(connection.agentId, message);
        return;
      case 'heartbeat':
        connection.send({ type: 'heartbeat', ts: this.now() });
        return;
      case 'hello':
        refuse(CloseCode.badMessage, 'already authenticated: hello is sent once per connection', 'bad_message');
        return;
    }
  }

  /** Stores job reports; once a run's result is stored (or could not be), its live output is let go. */
  private storeReports(reports: readonly JobReport[]): void {
    try {
      this.jobs.recordReports(reports);
    } finally {
      for (const { agentId, message } of reports) {
        if (message.type === 'job.result') this.liveOutput.runEnded(agentId, message.runId);
      }
    }
  }

  private sweepSilent(): void {
    const deadline = this.now() - this.options.heartbeatSec * 3000;
    for (const connection of this.registry.all()) {
      if (connection.lastHeardAt < deadline) {
        this.log.warn({ agentId: connection.agentId }, 'agent silent for three heartbeats; dropping the connection');
        connection.terminate();
      }
    }
  }

  /** Closes every agent connection (shutdown); agents reconnect with backoff. */
  closeAll(): void {
    clearInterval(this.sweepTimer);
    // Reports already received are stored before the store closes.
    this.jobReports.flush();
    for (const connection of this.registry.all()) connection.close(CloseCode.goingAway, 'collector shutting down');
  }
}

function byteLength(data: unknown): number {
  if (Array.isArray(data)) return data.reduce((sum: number, part: Buffer) => sum + part.length, 0);
  return (data as Buffer | ArrayBuffer).byteLength;
}
