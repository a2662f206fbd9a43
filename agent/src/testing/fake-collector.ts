import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  AgentMessageSchema,
  CloseCode,
  EnrollRequestSchema,
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  describeZodError,
  newNonce,
  publicKeyFromBase64,
  verifyChallenge,
  type AgentMessage,
  type CollectorMessage,
  type EnrollResponse,
  type Frame,
  type SignedTrust,
} from '@vigil/shared';

/**
 * A minimal collector speaking the agent protocol (enrollment, challenge → hello → welcome, acks),
 * for exercising the agent end to end without the real collector. Not a reference implementation:
 * no storage, no rules, one tenant.
 */
export interface FakeCollectorOptions {
  /** Tokens accepted by POST /api/v1/agents/enroll. */
  tokens?: string[];
  heartbeatSec?: number;
  /** Acknowledge every frame as it arrives (default true). */
  autoAck?: boolean;
  /** Answer WebSocket pings (default true); off simulates a collector that has gone silent. */
  autoPong?: boolean;
  /** The tenant's trust document, sent in the enrollment answer (default none). */
  trust?: SignedTrust | null;
  /** Say in the welcome that job.output is taken (default: say nothing, as a collector from before it). */
  liveOutput?: boolean;
}

export interface ReceivedFrame {
  agentId: string;
  connection: number;
  frame: Frame;
}

export class FakeCollector {
  readonly agents = new Map<string, string>();
  readonly frames: ReceivedFrame[] = [];
  readonly messages: Array<{ agentId: string; connection: number; message: AgentMessage }> = [];
  readonly closes: Array<{ code: number; reason: string }> = [];
  /** Highest seq stored per agent, as a real collector reports in its welcome. */
  readonly lastSeq = new Map<string, number>();
  autoAck: boolean;
  connections = 0;
  /** When set, the next handshake is refused with this close code. */
  refuseWith: { code: number; reason: string } | undefined;
  /** The trust document the enrollment answer carries. */
  enrollTrust: SignedTrust | null;
  /** When set, every connection is closed with this code right after its welcome. */
  closeAfterWelcome: { code: number; reason: string } | undefined;
  private socket: WebSocket | undefined;
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    private readonly options: FakeCollectorOptions,
  ) {
    this.autoAck = options.autoAck ?? true;
    this.enrollTrust = options.trust ?? null;
  }

  static async start(options: FakeCollectorOptions = {}): Promise<FakeCollector> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, path: '/agent', maxPayload: MAX_MESSAGE_BYTES, autoPong: options.autoPong ?? true });
    const fake = new FakeCollector(http, wss, options);
    http.on('request', (req, res) => fake.handleHttp(req, res));
    wss.on('connection', (ws) => fake.handleSocket(ws));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Registers an agent directly, as if it had enrolled. */
  addAgent(agentId: string, publicKey: string): void {
    this.agents.set(agentId, publicKey);
  }

  send(message: CollectorMessage): void {
    this.socket?.send(JSON.stringify(message));
  }

  ack(seq: number): void {
    this.send({ type: 'ack', seq });
  }

  /** Closes the current agent connection from the server side. */
  closeCurrent(code: number = CloseCode.goingAway, reason = 'server closing'): void {
    this.socket?.close(code, reason);
  }

  get connected(): boolean {
    return this.socket !== undefined;
  }

  /** Resolves once `condition` holds, re-checked on every protocol event; rejects after `timeoutMs`. */
  waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private handleHttp(req: IncomingMessage, res: ServerResponse): void {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/api/v1/agents/enroll') return reply(404, { error: { code: 'not_found', message: 'not found' } });
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return reply(400, { error: { code: 'bad_request', message: 'body is not JSON' } });
      }
      const parsed = EnrollRequestSchema.safeParse(json);
      if (!parsed.success) return reply(400, { error: { code: 'bad_request', message: describeZodError(parsed.error) } });
      if (!(this.options.tokens ?? []).includes(parsed.data.token)) return reply(401, { error: { code: 'invalid_token', message: 'enrollment token is invalid or expired' } });
      const agentId = `agt_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      this.addAgent(agentId, parsed.data.publicKey);
      const response: EnrollResponse = { agentId, tenantId: 'acme', siteId: 'hq', tags: ['test'], trust: this.enrollTrust };
      reply(201, response);
      this.notify();
    });
  }

  private handleSocket(ws: WebSocket): void {
    const connection = ++this.connections;
    const nonce = newNonce();
    let agentId: string | undefined;
    ws.send(JSON.stringify({ type: 'challenge', protocolVersion: PROTOCOL_VERSION, nonce }));
    ws.on('close', (code, reason) => {
      if (this.socket === ws) this.socket = undefined;
      this.closes.push({ code, reason: reason.toString('utf8') });
      this.notify();
    });
    ws.on('message', (data) => {
      let json: unknown;
      try {
        json = JSON.parse(data.toString());
      } catch {
        return ws.close(CloseCode.badMessage, 'not JSON');
      }
      const parsed = AgentMessageSchema.safeParse(json);
      if (!parsed.success) return ws.close(CloseCode.badMessage, describeZodError(parsed.error).slice(0, 120));
      const message = parsed.data;
      if (!agentId) {
        if (message.type !== 'hello') return ws.close(CloseCode.unauthorized, 'hello expected');
        if (this.refuseWith) return ws.close(this.refuseWith.code, this.refuseWith.reason);
        if (message.protocolVersion !== PROTOCOL_VERSION) return ws.close(CloseCode.unsupportedProtocol, 'unsupported protocol');
        const key = this.agents.get(message.agentId);
        if (!key || message.nonce !== nonce || !verifyChallenge(publicKeyFromBase64(key), message.agentId, nonce, message.signature)) {
          return ws.close(CloseCode.unauthorized, 'authentication failed');
        }
        agentId = message.agentId;
        this.socket = ws;
        this.messages.push({ agentId, connection, message });
        ws.send(JSON.stringify({ type: 'welcome', agentId, lastSeq: this.lastSeq.get(agentId) ?? 0, serverTime: Date.now(), heartbeatSec: this.options.heartbeatSec ?? 30, ...(this.options.liveOutput ? { liveOutput: true } : {}) }));
        if (this.closeAfterWelcome) ws.close(this.closeAfterWelcome.code, this.closeAfterWelcome.reason);
        this.notify();
        return;
      }
      this.messages.push({ agentId, connection, message });
      if (message.type === 'frame') {
        this.frames.push({ agentId, connection, frame: message });
        if (this.autoAck) {
          this.lastSeq.set(agentId, Math.max(this.lastSeq.get(agentId) ?? 0, message.seq));
          ws.send(JSON.stringify({ type: 'ack', seq: message.seq }));
        }
      }
      this.notify();
    });
  }
}
