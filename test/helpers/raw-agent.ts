import { PROTOCOL_VERSION, generateAgentKeyPair, signChallenge, type AgentKeyPair } from '@vigil/shared';
import { randomBytes } from 'node:crypto';
import { createConnection, type Socket } from 'node:net';
import WebSocket from 'ws';

export interface RawIdentity { agentId: string; keys: AgentKeyPair }

/** Enrolls over the real HTTP API with a fresh key pair, as an agent would. */
export async function enrollRaw(serverUrl: string, token: string, hostname = 'raw-client'): Promise<RawIdentity> {
  const keys = generateAgentKeyPair();
  const res = await fetch(`${serverUrl}/api/v1/agents/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, publicKey: keys.publicKey, hostname, os: { platform: 'linux', distro: 'test', release: '1', arch: 'x64' }, agentVersion: 'test' }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { agentId: string };
  if (res.status !== 201) throw new Error(`enroll failed: ${res.status} ${JSON.stringify(body)}`);
  return { agentId: body.agentId, keys };
}

export interface RawConnection {
  ws: WebSocket;
  received: any[];
  closed: Promise<{ code: number; reason: string }>;
  send(value: unknown): void;
  sendRaw(data: string | Buffer, binary?: boolean): void;
  waitFor(predicate: (m: any) => boolean, timeoutMs?: number): Promise<any>;
}

/** A hand-driven protocol client: it speaks only when told, so tests can send anything. */
export async function connectRaw(wsUrl: string, { localAddress }: { localAddress?: string } = {}): Promise<RawConnection> {
  const ws = new WebSocket(`${wsUrl}/agent`, { handshakeTimeout: 5000, maxPayload: 4 * 1024 * 1024, ...(localAddress ? { localAddress } : {}) });
  const received: any[] = [];
  const waiters: Array<{ predicate: (m: any) => boolean; resolve: (m: any) => void }> = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    received.push(message);
    for (const w of [...waiters]) if (w.predicate(message)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(message); }
  });
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  const connection: RawConnection = {
    ws, received, closed,
    send: (value) => ws.send(JSON.stringify(value)),
    sendRaw: (data, binary = false) => ws.send(data, { binary }),
    waitFor(predicate, timeoutMs = 10_000) {
      const found = received.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(received).slice(0, 500)}`)), timeoutMs);
        waiters.push({ predicate, resolve: (m) => { clearTimeout(timer); resolve(m); } });
      });
    },
  };
  await connection.waitFor((m) => m.type === 'challenge');
  return connection;
}

/** Connects and authenticates; resolves after the welcome. */
export async function connectAuthenticated(wsUrl: string, identity: RawIdentity, options: { localAddress?: string } = {}): Promise<RawConnection> {
  const connection = await connectRaw(wsUrl, options);
  const challenge = connection.received.find((m) => m.type === 'challenge');
  connection.send({
    type: 'hello', protocolVersion: PROTOCOL_VERSION, agentId: identity.agentId, agentVersion: 'test', nonce: challenge.nonce,
    signature: signChallenge(identity.keys.privateKeyPem, identity.agentId, challenge.nonce),
  });
  await connection.waitFor((m) => m.type === 'welcome');
  return connection;
}

export function frame(seq: number, value = 42, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'frame', seq, ts: Date.now(), samples: [{ metric: 'cpu.usage_pct', value }], sources: [{ source: 'cpu', status: 'ok' }], ...extra };
}

// ─── below the WebSocket library: raw TCP, for truncated and malformed frames ──────────────

export interface RawTcp {
  socket: Socket;
  /** Everything the collector sent after the upgrade response. */
  data(): Buffer;
  /** Resolves when the collector ends or drops the connection. */
  ended: Promise<void>;
  write(bytes: Buffer | string): void;
  /** The close code and reason in the collector's close frame, once one arrived. */
  closeFrame(): { code: number; reason: string } | null;
}

/** A plain TCP connection to the collector; with `upgrade`, after a completed /agent upgrade. */
export async function connectTcp(wsUrl: string, { upgrade = true, timeoutMs = 5000, localAddress }: { upgrade?: boolean; timeoutMs?: number; localAddress?: string } = {}): Promise<RawTcp> {
  const url = new URL(wsUrl);
  const socket = createConnection({ host: url.hostname, port: Number(url.port), ...(localAddress ? { localAddress } : {}) });
  socket.setTimeout(timeoutMs * 4, () => socket.destroy());
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => (buffer = Buffer.concat([buffer, chunk])));
  socket.on('error', () => {});
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let headerEnd = 0;
  if (upgrade) {
    socket.write(
      `GET /agent HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const deadline = Date.now() + timeoutMs;
    while ((headerEnd = buffer.indexOf('\r\n\r\n')) < 0) {
      if (Date.now() > deadline || socket.destroyed) throw new Error(`no upgrade response: ${buffer.toString('latin1').slice(0, 200)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const head = buffer.subarray(0, headerEnd).toString('latin1');
    if (!head.startsWith('HTTP/1.1 101')) throw new Error(`upgrade refused: ${head.split('\r\n')[0]}`);
    headerEnd += 4;
  }
  const data = (): Buffer => buffer.subarray(headerEnd);
  return {
    socket, data, ended,
    write: (bytes) => void socket.write(bytes),
    closeFrame: () => findCloseFrame(data()),
  };
}

export interface ClientFrameOptions {
  /** 1 text, 2 binary, 8 close, 9 ping; default 1. */
  opcode?: number;
  fin?: boolean;
  /** Browsers and agents must mask; default true. */
  mask?: boolean;
  /** A payload length to announce instead of the real one (to announce more than follows). */
  announcedLength?: number;
}

/** One WebSocket frame as a client would put it on the wire (RFC 6455 §5.2). */
export function encodeClientFrame(payload: Buffer | string, { opcode = 1, fin = true, mask = true, announcedLength }: ClientFrameOptions = {}): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const length = announcedLength ?? body.length;
  const head: number[] = [(fin ? 0x80 : 0) | opcode];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    head.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    head.push(...big);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), body]);
  const key = randomBytes(4);
  const masked = Buffer.from(body);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= key[i % 4]!;
  return Buffer.concat([Buffer.from(head), key, masked]);
}

/** The first close frame in a stream of unmasked server frames. */
function findCloseFrame(stream: Buffer): { code: number; reason: string } | null {
  let at = 0;
  while (at + 2 <= stream.length) {
    const opcode = stream[at]! & 0x0f;
    let length = stream[at + 1]! & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (offset + 2 > stream.length) return null;
      length = stream.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      if (offset + 8 > stream.length) return null;
      length = Number(stream.readBigUInt64BE(offset));
      offset += 8;
    }
    if (offset + length > stream.length) return null;
    if (opcode === 8) {
      const payload = stream.subarray(offset, offset + length);
      return payload.length >= 2 ? { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8') } : { code: 1005, reason: '' };
    }
    at = offset + length;
  }
  return null;
}
