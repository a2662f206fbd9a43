import {
  CloseCode, HANDSHAKE_TIMEOUT_MS, PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, newNonce, publicKeyFromBase64, verifyChallenge,
  type AgentMessage, type CollectorMessage,
} from '@vigil/shared';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { IngestQueue } from '../ingest/ingest-queue.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { JobService } from '../remediation/job-service.js';
import type { Store } from '../store/index.js';
import { AgentConnection, closeReason } from './agent-connection.js';
import type { ConnectionRegistry } from './connection-registry.js';
import { parseAgentMessage } from './parse-agent-message.js';

export interface GatewayOptions {
  heartbeatSec: number;
  handshakeTimeoutMs?: number;
  /** Connections that may be between accept and welcome at once (reconnect storms). */
  maxPendingHandshakes?: number;
}

/**
 * The /agent WebSocket: challenge → signed hello → welcome, then frames, job updates and
 * heartbeats. Anything malformed closes that one connection with a code and a reason; nothing
 * from a refused message is stored, and every other agent carries on.
 */
export class AgentGateway {
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly registry: ConnectionRegistry,
    private readonly ingest: IngestQueue,
    private readonly jobs: JobService,
    private readonly metrics: CollectorMetrics,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly options: GatewayOptions,
  ) {
    // One timer for all connections: an agent silent for three heartbeats is presumed gone.
    this.sweepTimer = setInterval(() => this.sweepSilent(), options.heartbeatSec * 1000);
    this.sweepTimer.unref();
  }

  accept(socket: WebSocket, request: FastifyRequest): void {
    const nonce = newNonce();
    const remote = request.ip;
    let connection: AgentConnection | null = null;
    const refuse = (code: number, reason: string, metricReason: string): void => {
      this.metrics.connectionsRefused.inc({ reason: metricReason });
      this.log.warn({ remote, agentId: connection?.agentId, code, reason }, 'agent connection refused');
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, closeReason(reason));
    };
    const handshakeTimer = setTimeout(
      () => refuse(CloseCode.handshakeTimeout, 'no hello within the handshake timeout', 'handshake_timeout'),
      this.options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
    );

    socket.on('message', (data, isBinary) => {
      const parsed = parseAgentMessage(data as Buffer, isBinary);
      if (!parsed.ok) return refuse(parsed.code, parsed.reason, 'bad_message');
      const message = parsed.message;
      if (!connection) {
        if (message.type !== 'hello') return refuse(CloseCode.unauthorized, `authenticate first: expected hello, got ${message.type}`, 'unauthenticated');
        clearTimeout(handshakeTimer);
        const result = this.authenticate(message, nonce);
        if (!result.ok) return refuse(result.code, result.reason, result.metric);
        connection = new AgentConnection(result.agent, socket, this.now(), message.intervalSec ? Math.round(message.intervalSec * 1000) : null);
        this.admit(connection, result.lastSeq, result.agentVersion, message.agentVersion);
        return;
      }
      connection.lastHeardAt = this.now();
      this.handle(connection, message, refuse);
    });
    socket.on('close', () => {
      clearTimeout(handshakeTimer);
      if (connection && this.registry.remove(connection)) {
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
    | { ok: true; agent: AgentConnection['agent']; lastSeq: number; agentVersion: string }
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
      agent: { agentId: row.id, tenantId: row.tenantId, siteId: row.siteId, tags: row.tags, os: row.os.platform, hostname: row.hostname },
      lastSeq: row.lastSeq,
      agentVersion: row.agentVersion,
    };
  }

  /** `storedSeq` and `storedVersion` come from the row authenticate() already read. */
  private admit(connection: AgentConnection, storedSeq: number, storedVersion: string, agentVersion: string): void {
    const previous = this.registry.add(connection);
    previous?.close(CloseCode.replaced, 'replaced by a newer connection of the same agent');
    this.metrics.agentsConnected.set(this.registry.size);
    if (storedVersion !== agentVersion) this.store.agents.updateVersion(connection.agentId, agentVersion);
    this.store.agents.touch(connection.agentId, this.now());
    connection.send({
      type: 'welcome', agentId: connection.agentId, lastSeq: storedSeq, serverTime: this.now(),
      heartbeatSec: this.options.heartbeatSec,
    });
    this.log.info({ agentId: connection.agentId, tenant: connection.agent.tenantId, agentVersion }, 'agent connected');
    this.jobs.dispatchPending(connection.agentId);
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
        this.jobs.onStarted(connection.agentId, message, this.now());
        return;
      case 'job.result':
        this.jobs.onResult(connection.agentId, message, this.now());
        return;
      case 'heartbeat':
        connection.send({ type: 'heartbeat', ts: this.now() });
        return;
      case 'hello':
        refuse(CloseCode.badMessage, 'already authenticated: hello is sent once per connection', 'bad_message');
        return;
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
    for (const connection of this.registry.all()) connection.close(CloseCode.goingAway, 'collector shutting down');
  }
}
