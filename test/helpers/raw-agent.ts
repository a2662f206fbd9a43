import { PROTOCOL_VERSION, generateAgentKeyPair, signChallenge, type AgentKeyPair } from '@vigil/shared';
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
export async function connectRaw(wsUrl: string): Promise<RawConnection> {
  const ws = new WebSocket(`${wsUrl}/agent`, { handshakeTimeout: 5000, maxPayload: 4 * 1024 * 1024 });
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
export async function connectAuthenticated(wsUrl: string, identity: RawIdentity): Promise<RawConnection> {
  const connection = await connectRaw(wsUrl);
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
