import type { ClientRequest } from 'node:http';
import WebSocket from 'ws';
import {
  CloseCode,
  CollectorMessageSchema,
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  describeZodError,
  signChallenge,
  type AgentMessage,
  type CollectorMessage,
  type WelcomeMessage,
} from '@vigil/shared';
import type { Logger } from '../log.js';
import { UntrustedCollectorError, connectTrusted, type ServerTrust } from './server-trust.js';
import { encodeMessage, type EncodedMessage } from './wire-message.js';

export interface SessionOptions {
  url: string;
  agentId: string;
  privateKeyPem: string;
  agentVersion: string;
  /** The frame interval, announced in the hello so the collector knows when this agent is overdue. */
  intervalMs?: number;
  /** How to authenticate a wss:// collector (see ServerTrust). */
  trust?: ServerTrust;
  /** The version of the pinned script-trust document, announced in the hello (0: none). */
  trustVersion?: () => number;
  /** Bound on both the HTTP upgrade and the challenge → hello → welcome exchange. */
  handshakeTimeoutMs: number;
  /** The connection counts as dead after this many heartbeat periods without a word from the collector. */
  silentHeartbeats: number;
  /** Replaces welcome.heartbeatSec (tests use sub-second heartbeats). */
  heartbeatMs?: number;
  logger: Logger;
  onWelcome: (welcome: WelcomeMessage) => void;
  /** Every message after the welcome other than heartbeats. */
  onMessage: (message: Exclude<CollectorMessage, { type: 'challenge' | 'welcome' }>) => void;
}

export interface SessionEnd {
  code: number;
  reason: string;
  welcomed: boolean;
  /** Why the agent ended it, or the transport error that did. */
  error?: string;
}

type Phase = 'connecting' | 'awaiting-challenge' | 'awaiting-welcome' | 'ready' | 'closed';

/**
 * One WebSocket connection to the collector: the authentication handshake, heartbeats and
 * liveness, and JSON framing. Reconnecting is the caller's business; a session is used once.
 */
export class SocketSession {
  readonly ended: Promise<SessionEnd>;
  private readonly ws: WebSocket;
  private phase: Phase = 'connecting';
  private welcomed = false;
  private error: string | undefined;
  private lastHeardAt = performance.now();
  private handshakeTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SessionOptions) {
    const secure = new URL(options.url).protocol === 'wss:';
    this.ws = new WebSocket(options.url, {
      maxPayload: MAX_MESSAGE_BYTES,
      handshakeTimeout: options.handshakeTimeoutMs,
      ...(secure ? this.trustedTransport(options.trust ?? {}) : {}),
    });
    this.ended = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        this.phase = 'closed';
        this.clearTimers();
        resolve({ code, reason: reason.toString('utf8'), welcomed: this.welcomed, ...(this.error ? { error: this.error } : {}) });
      });
    });
    this.ws.on('open', () => {
      if (!secure) this.warnPlaintext();
      this.phase = 'awaiting-challenge';
      this.lastHeardAt = performance.now();
      this.handshakeTimer = setTimeout(
        () => this.abort(`no welcome from the collector within ${options.handshakeTimeoutMs} ms`),
        options.handshakeTimeoutMs,
      );
    });
    this.ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    this.ws.on('pong', () => {
      this.lastHeardAt = performance.now();
    });
    this.ws.on('error', (error) => {
      this.error ??= error.message;
    });
  }

  /** True once welcomed and while the socket is open: only then may frames and results go out. */
  get ready(): boolean {
    return this.phase === 'ready' && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a message; `onSent` learns whether it reached the socket (false when it closed first). */
  send(message: AgentMessage, onSent?: (ok: boolean) => void): boolean {
    return this.sendEncoded(encodeMessage(message), onSent);
  }

  /** Sends a message the caller has already encoded (to check its size first). */
  sendEncoded(encoded: EncodedMessage, onSent?: (ok: boolean) => void): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) {
      onSent?.(false);
      return false;
    }
    this.ws.send(encoded.text, (error) => onSent?.(!error));
    return true;
  }

  /** Graceful close; terminates if the collector does not complete the close handshake in time. */
  async close(code: number, reason: string, graceMs = 1500): Promise<SessionEnd> {
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else if (this.ws.readyState === WebSocket.OPEN) this.ws.close(code, reason);
    const timer = setTimeout(() => this.ws.terminate(), graceMs);
    try {
      return await this.ended;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drops the connection without a close handshake, remembering why. */
  abort(why: string): void {
    this.error ??= why;
    this.options.logger.warn({ reason: why }, 'dropping the connection');
    this.ws.terminate();
  }

  /**
   * wss:// through connectTrusted: the upgrade request is held back (finishRequest) until the
   * collector's certificate passed the CA check or the pin, so an impostor gets nothing, not even
   * the request line; a failure ends the attempt with an error naming what did not match.
   */
  private trustedTransport(trust: ServerTrust): Pick<WebSocket.ClientOptions, 'createConnection' | 'finishRequest'> {
    let trusted: Promise<void> = Promise.reject(new Error('no connection was opened'));
    trusted.catch(() => {});
    // Only the address is taken from the request options: they also carry the URL path, which
    // tls.connect would read as a Unix socket path.
    const createConnection = (options: { host: string; port: number | string }) => {
      const connection = connectTrusted({ host: options.host, port: Number(options.port) }, trust);
      trusted = connection.trusted;
      return connection.socket;
    };
    const finishRequest = (request: ClientRequest): void => {
      trusted.then(
        () => request.end(),
        (error: Error) => {
          if (!(error instanceof UntrustedCollectorError)) return; // a transport error: ws reports it
          this.error = error.message;
          this.options.logger.error({ reason: error.message }, 'refusing the collector: its certificate does not match what was fixed at enrollment');
        },
      );
    };
    return { createConnection: createConnection as unknown as WebSocket.ClientOptions['createConnection'], finishRequest };
  }

  private warnPlaintext(): void {
    const { logger, url, trust } = this.options;
    if (trust?.allowPlaintext) logger.warn({ url }, 'connected over plain ws:// (allowed at enrollment): telemetry and scripts travel unencrypted');
    else logger.warn({ url }, 'connected over plain ws:// although this enrollment predates --allow-plaintext: telemetry and scripts travel unencrypted; enroll again with an https:// server');
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    this.lastHeardAt = performance.now();
    if (isBinary) return this.reject('binary message');
    let json: unknown;
    try {
      json = JSON.parse(rawToString(data));
    } catch {
      return this.reject('message is not JSON');
    }
    const parsed = CollectorMessageSchema.safeParse(json);
    if (!parsed.success) return this.reject(describeZodError(parsed.error), (json as { type?: unknown } | null)?.type);
    const message = parsed.data;

    if (message.type === 'error') {
      this.error = `${message.code}: ${message.message}`;
      this.options.logger.warn({ code: message.code, message: message.message }, 'collector reported an error');
      return;
    }
    switch (this.phase) {
      case 'awaiting-challenge':
        if (message.type !== 'challenge') return this.protocolError(`expected a challenge, got ${message.type}`);
        this.phase = 'awaiting-welcome';
        this.send({
          type: 'hello',
          protocolVersion: PROTOCOL_VERSION,
          agentId: this.options.agentId,
          agentVersion: this.options.agentVersion,
          nonce: message.nonce,
          signature: signChallenge(this.options.privateKeyPem, this.options.agentId, message.nonce),
          ...(this.options.intervalMs ? { intervalSec: this.options.intervalMs / 1000 } : {}),
          trustVersion: this.options.trustVersion?.() ?? 0,
        });
        return;
      case 'awaiting-welcome':
        if (message.type !== 'welcome') return this.protocolError(`expected a welcome, got ${message.type}`);
        if (message.agentId !== this.options.agentId) return this.protocolError(`welcomed as ${message.agentId}, but this agent is ${this.options.agentId}`);
        clearTimeout(this.handshakeTimer);
        this.phase = 'ready';
        this.welcomed = true;
        this.startHeartbeats(this.options.heartbeatMs ?? message.heartbeatSec * 1000);
        this.options.onWelcome(message);
        return;
      case 'ready':
        if (message.type === 'heartbeat') return;
        if (message.type === 'challenge' || message.type === 'welcome') {
          this.options.logger.warn({ type: message.type }, 'ignoring a repeated handshake message');
          return;
        }
        this.options.onMessage(message);
        return;
      default:
        return;
    }
  }

  /**
   * Before the welcome a bad message ends the attempt; afterwards it is logged and skipped, so a
   * newer collector that adds a message type does not knock older agents offline.
   */
  private reject(problem: string, type?: unknown): void {
    if (this.phase !== 'ready') return this.protocolError(`invalid message during the handshake: ${problem}`);
    this.options.logger.warn({ type, problem }, 'ignoring an invalid message from the collector');
  }

  private protocolError(why: string): void {
    this.error ??= why;
    this.options.logger.warn({ reason: why }, 'protocol error');
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(CloseCode.badMessage, why.slice(0, 120));
    else this.ws.terminate();
  }

  private startHeartbeats(periodMs: number): void {
    this.lastHeardAt = performance.now();
    const limit = periodMs * this.options.silentHeartbeats;
    this.heartbeatTimer = setInterval(() => {
      const silentFor = performance.now() - this.lastHeardAt;
      if (silentFor > limit) return this.abort(`nothing heard from the collector for ${Math.round(silentFor)} ms`);
      this.send({ type: 'heartbeat', ts: Date.now() });
      // A protocol-level ping as well: the pong proves the path is alive even if the collector
      // only speaks when it has something to say.
      if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
    }, periodMs);
  }

  private clearTimers(): void {
    clearTimeout(this.handshakeTimer);
    clearInterval(this.heartbeatTimer);
  }
}

function rawToString(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
