/**
 * Generated hostile input against one real collector while one real agent streams: arbitrary
 * JSON, near-valid messages with a mutated field, prototype-polluting keys at any depth, random
 * text and binary, invalid UTF-8, before and after the hello, each on its own connection; then
 * an oversized message and a flood. Afterwards the collector is up, the real agent's frames kept
 * arriving without a gap, the hostile identity holds exactly what its accepted frames carried,
 * and nothing the collector does was changed by a polluted prototype.
 */
import { CloseCode, MAX_MESSAGE_BYTES } from '@vigil/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { connectAuthenticated, connectRaw, enrollRaw, frame, type RawConnection, type RawIdentity } from '../helpers/raw-agent.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

type Payload = { text: string; forbidden?: boolean } | { bytes: Buffer; binary: boolean };

/** The key chain under which a forbidden key is buried, and how its name is spelled in the JSON text. */
const pathArb = fc.array(fc.string({ minLength: 1, maxLength: 5 }).filter((k) => k !== '__proto__' && k !== 'constructor'), { maxLength: 5 });
const spellingArb = fc.constantFrom('__proto__', '\\u005f_proto__', '__pro\\u0074o__');
/** What a successful pollution would switch on: `public` would make every API route skip authentication. */
const POISON = '{"public":true,"polluted":"yes","type":"frame","seq":1}';

const protoPayload: fc.Arbitrary<Payload> = fc
  .record({ path: pathArb, spelling: spellingArb, viaConstructor: fc.boolean(), where: fc.constantFrom('sections', 'labels', 'root') })
  .map(({ path, spelling, viaConstructor, where }) => {
    let inner = viaConstructor ? `{"constructor":{"prototype":${POISON}}}` : `{"${spelling}":${POISON}}`;
    for (const key of [...path].reverse()) inner = `{${JSON.stringify(key)}:${inner}}`;
    const base = JSON.stringify(frame(1, 1));
    if (where === 'root') return { forbidden: true, text: base.replace(/^\{/, () => (viaConstructor ? `{"constructor":{"prototype":${POISON}},` : `{"${spelling}":${POISON},`)) };
    if (where === 'labels') return { forbidden: true, text: base.replace('"value":1', () => `"value":1,"labels":${inner}`) };
    return { forbidden: true, text: base.replace(/\}$/, () => `,"sections":{"x":${inner}}}`) };
  });

const FRAME_FIELDS = ['type', 'seq', 'ts', 'samples', 'sources', 'sections', 'samples.0.metric', 'samples.0.value', 'samples.0.labels'] as const;
/** A valid frame with one field replaced by an arbitrary JSON value (the seq is filled in when sent). */
const nearValidFrame = fc.record({ field: fc.constantFrom(...FRAME_FIELDS), value: fc.jsonValue({ maxDepth: 3 }) });

const payloadArb: fc.Arbitrary<Payload | { mutate: { field: string; value: unknown } }> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v): Payload => ({ text: JSON.stringify(v) ?? 'null' })),
  nearValidFrame.map((mutate) => ({ mutate })),
  nearValidFrame.map((mutate) => ({ mutate })),
  protoPayload,
  protoPayload,
  fc.string({ unit: 'binary', maxLength: 200 }).map((text): Payload => ({ text })),
  fc.uint8Array({ maxLength: 200 }).map((b): Payload => ({ bytes: Buffer.from(b), binary: true })),
  // 0xff never occurs in UTF-8, so this text frame is invalid however it goes on.
  fc.uint8Array({ maxLength: 64 }).map((b): Payload => ({ bytes: Buffer.concat([Buffer.from([0x7b, 0xff]), Buffer.from(b)]), binary: false })),
);

function mutatedFrame(seq: number, field: string, value: unknown): Record<string, unknown> {
  const message = frame(seq, seq % 97) as Record<string, any>;
  const [head, index, leaf] = field.split('.');
  if (leaf) message[head!][Number(index)][leaf] = value;
  else message[head!] = value;
  return message;
}

function send(conn: RawConnection, payload: Payload): void {
  if ('text' in payload) conn.sendRaw(payload.text);
  else conn.sendRaw(payload.bytes, payload.binary);
}

/** Whether a JSON document carries a prototype-shaped key or the poison's marker anywhere. */
function carriesPoison(text: string): boolean {
  const stack: unknown[] = [JSON.parse(text)];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    for (const key of Object.keys(node)) {
      const child = (node as Record<string, unknown>)[key];
      if (key === '__proto__' || key === 'polluted') return true;
      if (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype')) return true;
      stack.push(child);
    }
  }
  return false;
}

describe('hostile input, generated', () => {
  const tmp = makeTempDir('hostile');
  let collector: TestCollector;
  let agent: Child;
  let goodAgentId: string;
  let hostile: RawIdentity;
  /** Seq → first sample value (NaN if none) of every hostile frame the collector acknowledged. */
  const acknowledged = new Map<number, number>();
  let nextSeq = 1;

  const agentRow = async (id: string) => (await collector.api('GET', `/api/v1/agents/${id}`)).body as { online: boolean; lastSeq: number };
  const samplesOf = async (id: string) => (await collector.api('GET', `/api/v1/agents/${id}/telemetry?limit=100000`)).body.samples as Array<{ seq: number; value: number }>;

  /** Connects as the hostile identity and remembers every ack it gets. */
  const connectHostile = async (): Promise<RawConnection> => {
    const conn = await connectAuthenticated(collector.wsUrl, hostile);
    conn.ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; seq?: number };
      if (message.type === 'ack' && !acknowledged.has(message.seq!)) acknowledged.set(message.seq!, sentValues.get(message.seq!) ?? Number.NaN);
    });
    return conn;
  };
  const sentValues = new Map<number, number>();
  const sendFrame = (conn: RawConnection, message: Record<string, any>): void => {
    const seq = message.seq;
    const value = message.samples?.[0]?.value;
    if (Number.isInteger(seq) && typeof value === 'number' && !sentValues.has(seq)) sentValues.set(seq, value);
    conn.send(message);
  };

  /** Waits until the connection closes, or a valid probe frame sent after the payload is acknowledged. */
  const settle = async (conn: RawConnection): Promise<'closed' | 'accepted'> => {
    if (conn.ws.readyState !== conn.ws.OPEN) return 'closed';
    const probe = nextSeq++;
    sendFrame(conn, frame(probe, probe % 97));
    return Promise.race([
      conn.closed.then(() => 'closed' as const),
      conn.waitFor((m) => m.type === 'ack' && m.seq === probe, 10_000).then(() => 'accepted' as const),
    ]);
  };

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`, ['--handshake-timeout', '2s']);
    const token = await collector.enrollToken('acme', 'hq', ['--max-uses', '2']);
    goodAgentId = await enrollAgent(collector.url, token, `${tmp.path}/agent`);
    agent = runAgent(`${tmp.path}/agent`, '1s');
    hostile = await enrollRaw(collector.url, token, 'hostile');
    await waitFor('the real agent streaming', async () => (await agentRow(goodAgentId)).lastSeq > 0);
    // What the hostile identity legitimately stores before it turns hostile.
    const conn = await connectHostile();
    for (let i = 0; i < 3; i++) sendFrame(conn, frame(nextSeq, nextSeq++));
    await conn.waitFor((m) => m.type === 'ack' && m.seq === 3);
    conn.ws.close();
    await conn.closed;
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('refuses or ignores every generated hostile message on its own connection, storing only valid frames', async () => {
    const refusalCodes = new Set<number>();
    await fc.assert(
      fc.asyncProperty(payloadArb, fc.boolean(), async (generated, afterHello) => {
        const conn = afterHello ? await connectHostile() : await connectRaw(collector.wsUrl);
        if ('mutate' in generated) {
          const seq = nextSeq++;
          sendFrame(conn, mutatedFrame(seq, generated.mutate.field, generated.mutate.value));
        } else {
          send(conn, generated);
        }
        if (!afterHello) {
          // Nothing but a correctly signed hello may open a connection.
          const { code, reason } = await conn.closed;
          expect([CloseCode.badMessage, CloseCode.unauthorized, CloseCode.unsupportedProtocol, 1007, 1006]).toContain(code);
          if (code !== 1006 && code !== 1007) expect(reason.length).toBeGreaterThan(0);
          refusalCodes.add(code);
          return;
        }
        const outcome = await settle(conn);
        if (outcome === 'closed') refusalCodes.add((await conn.closed).code);
        if ('text' in generated && generated.forbidden) {
          expect(outcome, generated.text).toBe('closed');
          expect((await conn.closed).reason).toMatch(/^forbidden key/);
        }
        conn.ws.close();
        await conn.closed;
      }),
      { numRuns: 300 },
    );
    expect(refusalCodes.has(CloseCode.badMessage)).toBe(true);
  });

  it('closes an oversized message (1009) and a flood past the rate limit (4429), each alone', async () => {
    const big = await connectHostile();
    big.sendRaw(JSON.stringify(frame(nextSeq++, 1, { sections: { padding: 'x'.repeat(MAX_MESSAGE_BYTES) } })));
    expect([CloseCode.tooBig, 1006]).toContain((await big.closed).code);

    const flood = await connectHostile();
    for (let i = 0; i < 20_000; i++) flood.send({ type: 'heartbeat', ts: Date.now() });
    expect(await flood.closed).toEqual({ code: CloseCode.rateLimited, reason: expect.stringMatching(/^rate limit:/) });
  });

  it('kept the collector up, the real agent streaming without a gap, and stored only what was acknowledged', async () => {
    expect(collector.child.process.exitCode).toBeNull();
    expect((await fetch(`${collector.url}/healthz`)).status).toBe(200);

    const before = (await agentRow(goodAgentId)).lastSeq;
    await waitFor('the real agent to store another frame', async () => (await agentRow(goodAgentId)).lastSeq > before);
    expect((await agentRow(goodAgentId)).online).toBe(true);
    const goodSeqs = [...new Set((await samplesOf(goodAgentId)).map((s) => s.seq))].sort((a, b) => a - b);
    expect(goodSeqs.length).toBeGreaterThan(1);
    expect(goodSeqs).toEqual(Array.from({ length: goodSeqs.length }, (_, i) => goodSeqs[0]! + i));

    // The hostile identity holds only acknowledged frames, and every acknowledged frame that
    // carried a sample holds the first value sent with its seq.
    const stored = new Map<number, number>();
    for (const sample of await samplesOf(hostile.agentId)) if (!stored.has(sample.seq)) stored.set(sample.seq, sample.value);
    expect(acknowledged.size).toBeGreaterThanOrEqual(3);
    for (const seq of stored.keys()) expect(acknowledged.has(seq), `seq ${seq} stored without an ack`).toBe(true);
    for (const [seq, value] of acknowledged) if (!Number.isNaN(value)) expect(stored.get(seq), `seq ${seq}`).toBe(value);
  });

  it('shows no sign of a polluted prototype', async () => {
    // `public` on Object.prototype would let every route skip authentication.
    expect((await fetch(`${collector.url}/api/v1/agents`)).status).toBe(401);
    for (const path of ['/api/v1/agents', `/api/v1/agents/${hostile.agentId}`, `/api/v1/agents/${goodAgentId}`, '/api/v1/rules', '/api/v1/alerts']) {
      const res = await fetch(`${collector.url}${path}`, { headers: { authorization: `Bearer ${collector.adminToken}` } });
      const text = await res.text();
      expect(res.status, path).toBe(200);
      expect(carriesPoison(text), `${path}: ${text.slice(0, 300)}`).toBe(false);
    }
    // A fresh rule carries exactly the fields it was given, nothing inherited.
    const rule = await collector.api('POST', '/api/v1/rules', { name: 'fresh', metric: 'cpu.usage_pct', op: '>', threshold: 99 });
    expect(rule.status).toBe(201);
    expect(rule.body).not.toHaveProperty('polluted');
    expect(rule.body).not.toHaveProperty('public');
  });
});
