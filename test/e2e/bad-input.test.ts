/**
 * Bad input is refused with a reason and costs nobody else anything: each malformed, oversized,
 * unauthenticated or wrongly versioned message closes only its own connection with a close code
 * and a reason, nothing from it is stored, and a real agent keeps streaming throughout.
 */
import { CloseCode, MAX_MESSAGE_BYTES, PROTOCOL_VERSION, generateAgentKeyPair, signChallenge } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { connectAuthenticated, connectRaw, connectTcp, encodeClientFrame, enrollRaw, frame, type RawIdentity } from '../helpers/raw-agent.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

describe('bad input on the agent channel and the API', () => {
  const tmp = makeTempDir('bad-input');
  let collector: TestCollector;
  let agent: Child;
  let goodAgentId: string;
  let raw: RawIdentity;
  let token: string;

  const goodAgent = async () => (await collector.api('GET', `/api/v1/agents/${goodAgentId}`)).body as { online: boolean; lastSeq: number };
  const storedSamples = async (agentId: string) => (await collector.api('GET', `/api/v1/agents/${agentId}/telemetry`)).body.samples as Array<{ seq: number; value: number }>;

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`, ['--handshake-timeout', '1s']);
    token = await collector.enrollToken('acme', 'hq', ['--max-uses', '5']);
    goodAgentId = await enrollAgent(collector.url, token, `${tmp.path}/agent`);
    agent = runAgent(`${tmp.path}/agent`, '1s');
    raw = await enrollRaw(collector.url, token);
    await waitFor('the real agent streaming', async () => (await goodAgent()).lastSeq > 0);
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('stores a valid frame from the hand-driven client once, even when resent', async () => {
    const conn = await connectAuthenticated(collector.wsUrl, raw);
    conn.send(frame(1, 10));
    conn.send(frame(1, 10));
    await conn.waitFor((m) => m.type === 'ack' && m.seq === 1);
    await waitFor('two acks for seq 1', () => conn.received.filter((m) => m.type === 'ack' && m.seq === 1).length === 2);
    expect(await storedSamples(raw.agentId)).toEqual([expect.objectContaining({ seq: 1, value: 10 })]);
    conn.ws.close();
  });

  const cases: Array<{ name: string; code: number; reason: RegExp; run: () => Promise<{ code: number; reason: string }>; serverLog?: RegExp }> = [
    {
      name: 'malformed JSON',
      code: CloseCode.badMessage, reason: /^malformed JSON/,
      run: async () => { const c = await connectAuthenticated(collector.wsUrl, raw); c.sendRaw('{"type":"frame", "seq": 2,'); return c.closed; },
    },
    {
      name: 'a frame that fails its schema (one bad sample among good ones)',
      code: CloseCode.badMessage, reason: /^invalid frame: samples\.1\.value/,
      run: async () => {
        const c = await connectAuthenticated(collector.wsUrl, raw);
        c.send(frame(3, 50, { samples: [{ metric: 'cpu.usage_pct', value: 50 }, { metric: 'mem.used_pct', value: 'lots' }] }));
        return c.closed;
      },
    },
    {
      name: 'an unknown message type',
      code: CloseCode.badMessage, reason: /^unknown message type "telemetry"/,
      run: async () => { const c = await connectAuthenticated(collector.wsUrl, raw); c.send({ type: 'telemetry', seq: 4 }); return c.closed; },
    },
    {
      name: 'a message over the size limit',
      code: CloseCode.tooBig, reason: /.*/, serverLog: /Max payload size exceeded.*WS_ERR_UNSUPPORTED_MESSAGE_LENGTH/,
      run: async () => {
        const c = await connectAuthenticated(collector.wsUrl, raw);
        const padding = 'x'.repeat(MAX_MESSAGE_BYTES);
        c.send(frame(5, 60, { sections: { padding } }));
        return c.closed;
      },
    },
    {
      name: 'a "__proto__" key deep inside a frame',
      code: CloseCode.badMessage, reason: /^forbidden key "__proto__" at sections\.inventory\.__proto__/,
      run: async () => {
        const c = await connectAuthenticated(collector.wsUrl, raw);
        c.sendRaw(JSON.stringify(frame(7, 80)).replace('"samples":', '"sections":{"inventory":{"__proto__":{"polluted":true}}},"samples":'));
        return c.closed;
      },
    },
    {
      name: 'a "constructor.prototype" label',
      code: CloseCode.badMessage, reason: /^forbidden key "constructor\.prototype" at samples\.0\.labels\.constructor/,
      run: async () => {
        const c = await connectAuthenticated(collector.wsUrl, raw);
        c.send(frame(8, 80, { samples: [{ metric: 'cpu.usage_pct', value: 80, labels: { constructor: { prototype: { polluted: 'yes' } } } }] }));
        return c.closed;
      },
    },
    {
      name: 'a section nested deeper than the stack can store',
      code: CloseCode.badMessage, reason: /^nested deeper than 32 levels at sections\.deep/,
      run: async () => {
        const c = await connectAuthenticated(collector.wsUrl, raw);
        c.sendRaw(JSON.stringify(frame(9, 80)).replace('"samples":', `"sections":{"deep":${'['.repeat(200_000)}${']'.repeat(200_000)}},"samples":`));
        return c.closed;
      },
    },
    {
      name: 'a flood of messages far past the rate limit',
      code: CloseCode.rateLimited, reason: /^rate limit: kept sending past 200 messages\/s while asked to slow down/,
      run: async () => {
        const c = await connectAuthenticated(collector.wsUrl, raw);
        for (let i = 0; i < 20_000; i++) c.send({ type: 'heartbeat', ts: Date.now() });
        return c.closed;
      },
    },
    {
      name: 'binary data',
      code: CloseCode.badMessage, reason: /^binary messages are not supported/,
      run: async () => { const c = await connectAuthenticated(collector.wsUrl, raw); c.sendRaw(Buffer.from([0xff, 0x00, 0x13]), true); return c.closed; },
    },
    {
      name: 'a frame before authenticating',
      code: CloseCode.unauthorized, reason: /^authenticate first: expected hello, got frame/,
      run: async () => { const c = await connectRaw(collector.wsUrl); c.send(frame(6, 70)); return c.closed; },
    },
    {
      name: 'a hello signed with the wrong key',
      code: CloseCode.unauthorized, reason: /^challenge signature verification failed/,
      run: async () => {
        const c = await connectRaw(collector.wsUrl);
        const nonce = c.received[0].nonce as string;
        const stranger = generateAgentKeyPair();
        c.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, agentId: raw.agentId, agentVersion: 'x', nonce, signature: signChallenge(stranger.privateKeyPem, raw.agentId, nonce) });
        return c.closed;
      },
    },
    {
      name: 'a hello for an agent that does not exist',
      code: CloseCode.unauthorized, reason: /^unknown agent id/,
      run: async () => {
        const c = await connectRaw(collector.wsUrl);
        const nonce = c.received[0].nonce as string;
        c.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, agentId: 'agt_nobody', agentVersion: 'x', nonce, signature: signChallenge(raw.keys.privateKeyPem, 'agt_nobody', nonce) });
        return c.closed;
      },
    },
    {
      name: 'a hello speaking another protocol version',
      code: CloseCode.unsupportedProtocol, reason: /^unsupported protocol version 99; this collector speaks 2/,
      run: async () => {
        const c = await connectRaw(collector.wsUrl);
        const nonce = c.received[0].nonce as string;
        c.send({ type: 'hello', protocolVersion: 99, agentId: raw.agentId, agentVersion: 'x', nonce, signature: signChallenge(raw.keys.privateKeyPem, raw.agentId, nonce) });
        return c.closed;
      },
    },
    {
      name: 'a connection that never says hello',
      code: CloseCode.handshakeTimeout, reason: /^no hello within the handshake timeout/,
      run: async () => (await connectRaw(collector.wsUrl)).closed,
    },
  ];

  for (const testCase of cases) {
    it(`refuses ${testCase.name} with close code ${testCase.code} and a reason`, async () => {
      const before = await goodAgent();
      const { code, reason } = await testCase.run();
      if (testCase.serverLog) {
        // The collector refuses an oversized message as soon as the frame header announces its
        // length, while this client is still writing it; the close frame (1009) then races the
        // TCP reset caused by the unread rest, so the client may see 1006. The collector's own
        // record of the refusal is the reliable witness.
        expect([testCase.code, 1006]).toContain(code);
        await waitFor('the collector to log the refusal', () => testCase.serverLog!.test(collector.child.output()));
      } else {
        expect(code).toBe(testCase.code);
        expect(reason).toMatch(testCase.reason);
      }
      // Nothing from the bad message is stored: the hand-driven agent still has only seq 1.
      expect((await storedSamples(raw.agentId)).map((s) => s.seq)).toEqual([1]);
      // The real agent was not disturbed: still online, and its frames keep being stored.
      await waitFor('the real agent to store another frame', async () => (await goodAgent()).lastSeq > before.lastSeq);
      expect((await goodAgent()).online).toBe(true);
    });
  }

  it('paces a backlog replay past the burst instead of closing it, and stores all of it', async () => {
    const catchUp = await enrollRaw(collector.url, token, 'catch-up');
    const conn = await connectAuthenticated(collector.wsUrl, catchUp);
    const count = 1000;
    // As the agent replays its spool: 64 frames unacknowledged at most, the next one per ack.
    let sent = 0;
    const acked = new Set<number>();
    const sendNext = (): void => {
      if (sent < count) conn.send(frame(++sent, sent % 100));
    };
    conn.ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; seq?: number };
      if (message.type !== 'ack') return;
      acked.add(message.seq!);
      sendNext();
    });
    for (let i = 0; i < 64; i++) sendNext();
    await waitFor('every frame of the backlog acknowledged', () => acked.size === count, 30_000);
    expect(conn.ws.readyState).toBe(conn.ws.OPEN);
    // Throttled, not dropped: past the burst of 400 the collector paused reading to pace it.
    expect(collector.child.output()).toMatch(new RegExp(`"agentId":"${catchUp.agentId}".*reading paused to pace it`));
    expect((await collector.api('GET', `/api/v1/agents/${catchUp.agentId}`)).body.lastSeq).toBe(count);
    conn.ws.close();
  });

  // Below the WebSocket library: what a broken or hostile client puts on the wire.
  const tcpCases: Array<{ name: string; run: () => Promise<void> }> = [
    {
      name: 'a frame header cut short, then the connection closed',
      run: async () => {
        const c = await connectTcp(collector.wsUrl);
        c.write(Buffer.from([0x81]));
        c.socket.end();
        await c.ended;
      },
    },
    {
      name: 'a frame announcing more bytes than follow, then the connection closed',
      run: async () => {
        const c = await connectTcp(collector.wsUrl);
        c.write(encodeClientFrame('{"type":"hello"', { announcedLength: 5000 }));
        c.socket.end();
        await c.ended;
      },
    },
    {
      name: 'a frame announcing more bytes than follow, left hanging',
      run: async () => {
        const c = await connectTcp(collector.wsUrl);
        c.write(encodeClientFrame('{"type":"hello"', { announcedLength: 5000 }));
        await waitFor('the handshake timeout to close it', () => c.closeFrame() ?? undefined);
        expect(c.closeFrame()).toEqual({ code: CloseCode.handshakeTimeout, reason: 'no hello within the handshake timeout' });
        c.socket.destroy();
      },
    },
    {
      name: 'an unmasked client frame',
      run: async () => {
        const c = await connectTcp(collector.wsUrl);
        c.write(encodeClientFrame('{"type":"heartbeat","ts":1}', { mask: false }));
        await c.ended;
        await waitFor('the collector to log it', () => /MASK must be set/.test(collector.child.output()));
      },
    },
    {
      name: 'a text frame that is not valid UTF-8',
      run: async () => {
        const c = await connectTcp(collector.wsUrl);
        c.write(encodeClientFrame(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])));
        await c.ended;
        const close = c.closeFrame();
        // ws closes with 1007 itself; the connection may be dropped before that frame is read.
        if (close) expect(close.code).toBe(1007);
        await waitFor('the collector to log it', () => /invalid UTF-8 sequence/.test(collector.child.output()));
      },
    },
    {
      name: 'garbage instead of the upgrade request',
      run: async () => {
        const c = await connectTcp(collector.wsUrl, { upgrade: false });
        c.write(Buffer.from('\x00\x01\x02 not http at all\r\n\r\n', 'latin1'));
        await c.ended;
        expect(c.data().toString('latin1')).toMatch(/^HTTP\/1\.1 400/);
      },
    },
    {
      name: 'garbage before the upgrade request',
      run: async () => {
        const c = await connectTcp(collector.wsUrl, { upgrade: false });
        c.write(`\u0007\u0008GET /agent HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${Buffer.alloc(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
        await c.ended;
        expect(c.data().toString('latin1')).toMatch(/^HTTP\/1\.1 400/);
      },
    },
  ];

  for (const testCase of tcpCases) {
    it(`survives ${testCase.name}: only that connection ends`, async () => {
      const before = await goodAgent();
      await testCase.run();
      expect((await fetch(`${collector.url}/healthz`)).status).toBe(200);
      await waitFor('the real agent to store another frame', async () => (await goodAgent()).lastSeq > before.lastSeq);
      expect((await goodAgent()).online).toBe(true);
    });
  }

  it('refuses "__proto__" and "constructor.prototype" in API bodies with 400, storing nothing', async () => {
    const proto = await collector.api('POST', '/api/v1/rules', '{"name":"p","metric":"cpu.usage_pct","op":">","threshold":1,"labels":{"__proto__":{"polluted":"yes"}}}');
    // Fastify's JSON parser (secure-json-parse) refuses the whole body before any route sees it.
    expect(proto.status).toBe(400);
    expect(proto.body.error).toEqual({ code: 'ctp_invalid_json_body', message: expect.stringMatching(/not valid JSON/) });
    const ctor = await collector.api('POST', '/api/v1/rules', '{"name":"c","metric":"cpu.usage_pct","op":">","threshold":1,"scope":{"constructor":{"prototype":{"polluted":"yes"}}}}');
    expect(ctor.status).toBe(400);
    expect(ctor.body.error.code).toBe('ctp_invalid_json_body');
    const enroll = await fetch(`${collector.url}/api/v1/agents/enroll`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: `{"token":"${token}","__proto__":{"hostname":"injected"},"publicKey":"x"}`,
    });
    expect(enroll.status).toBe(400);
    expect(((await enroll.json()) as { error: { code: string } }).error.code).toBe('ctp_invalid_json_body');
    const rules = (await collector.api('GET', '/api/v1/rules')).body.rules as Array<{ name: string }>;
    expect(rules.filter((r) => r.name === 'p' || r.name === 'c')).toEqual([]);
    const agents = (await collector.api('GET', '/api/v1/agents')).body.agents as Array<Record<string, unknown>>;
    expect(agents.some((a) => a.hostname === 'injected' || 'polluted' in a)).toBe(false);
  });

  it('answers invalid API bodies with 400 and an error that names the field', async () => {
    const rule = await collector.api('POST', '/api/v1/rules', { name: 'no metric', op: '>', threshold: 1 });
    expect(rule.status).toBe(400);
    expect(rule.body.error).toEqual({ code: 'invalid_body', message: expect.stringMatching(/metric/), fields: [{ path: 'metric', message: expect.any(String) }] });

    const op = await collector.api('POST', '/api/v1/rules', { name: 'bad op', metric: 'cpu.usage_pct', op: '=>', threshold: 1 });
    expect(op.status).toBe(400);
    expect(op.body.error.message).toMatch(/^invalid body: op:/);
    expect(op.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['op']);

    const unknownField = await collector.api('POST', '/api/v1/rules', { name: 'x', metric: 'cpu.usage_pct', op: '>', threshold: 1, thresold: 2 });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.message).toMatch(/thresold/);

    const shell = await collector.api('POST', '/api/v1/scripts', { name: 'x', shell: 'zsh', body: 'echo' });
    expect(shell.status).toBe(400);
    expect(shell.body.error.message).toMatch(/^invalid body: shell:/);

    const job = await collector.api('POST', '/api/v1/jobs', { scriptId: 'scr_missing', agentIds: [goodAgentId] });
    expect(job.status).toBe(400);
    expect(job.body.error.message).toMatch(/scriptId: script scr_missing does not exist/);
    expect(job.body.error.fields).toEqual([{ path: 'scriptId', message: expect.stringMatching(/does not exist/) }]);

    const malformed = await collector.api('POST', '/api/v1/rules', '{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBeTruthy();

    const query = await collector.api('GET', '/api/v1/alerts?priority=P9');
    expect(query.status).toBe(400);
    expect(query.body.error.message).toMatch(/^invalid query: priority:/);

    // None of the invalid rules was stored (built-in rules such as "Agent offline" may exist).
    const names = ((await collector.api('GET', '/api/v1/rules')).body.rules as Array<{ name: string }>).map((r) => r.name);
    expect(names.filter((n) => ['no metric', 'bad op', 'x'].includes(n))).toEqual([]);
  });

  it('refuses API calls without a valid token, and enrollment with a bad token', async () => {
    const noToken = await fetch(`${collector.url}/api/v1/agents`);
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringMatching(/bearer token/) } });
    const badToken = await fetch(`${collector.url}/api/v1/agents`, { headers: { authorization: 'Bearer vgt_not-a-token' } });
    expect(badToken.status).toBe(401);
    const stream = await fetch(`${collector.url}/api/v1/alerts/stream?token=wrong`);
    expect(stream.status).toBe(401);

    await expect(enrollRaw(collector.url, 'vge_this-token-was-never-issued')).rejects.toThrow(/401.*enrollment_token_unknown/);
    const exhausted = await collector.enrollToken('acme', 'hq', ['--max-uses', '1']);
    await enrollRaw(collector.url, exhausted);
    await expect(enrollRaw(collector.url, exhausted)).rejects.toThrow(/401.*enrollment token has been used up/);

    const created = await collector.api('POST', '/api/v1/enrollment-tokens', { tenant: 'acme', site: 'hq', expiresInMs: 500 });
    expect(created.status).toBe(201);
    const { token: expiring, expiresAt } = created.body as { token: string; expiresAt: number };
    await waitFor('the enrollment token to expire', () => Date.now() > expiresAt);
    const expired = await fetch(`${collector.url}/api/v1/agents/enroll`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(10_000),
      body: JSON.stringify({
        token: expiring, publicKey: generateAgentKeyPair().publicKey, hostname: 'late-client',
        os: { platform: 'linux', distro: 'test', release: '1', arch: 'x64' }, agentVersion: 'test',
      }),
    });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({
      error: { code: 'enrollment_token_expired', message: `enrollment token expired at ${new Date(expiresAt).toISOString()}` },
    });
  });
});

describe('enrollment attempts per address', () => {
  const tmp = makeTempDir('enroll-limit');
  let collector: TestCollector;

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
  });
  afterAll(async () => {
    await collector?.stop();
    tmp.remove();
  });

  it('lets a rollout of many agents through, then refuses an address that keeps presenting bad tokens', async () => {
    // Successful enrollments do not count against the refused-token limit of 20.
    const token = await collector.enrollToken('acme', 'hq', ['--max-uses', '30']);
    for (let i = 0; i < 30; i++) await enrollRaw(collector.url, token, `rollout-${i}`);

    const attempt = (body: string) => fetch(`${collector.url}/api/v1/agents/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const guess = (n: number) => attempt(JSON.stringify({
      token: `vge_guessing-the-token-${n}`, publicKey: generateAgentKeyPair().publicKey, hostname: 'guesser',
      os: { platform: 'linux', distro: 'x', release: '1', arch: 'x64' }, agentVersion: 'x',
    }));
    for (let n = 0; n < 20; n++) expect((await guess(n)).status).toBe(401);

    const limited = await guess(20);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/^too many refused enrollment tokens from this address; retry in \d+ s$/) } });
    // While the address is limited even a valid token waits: the guesser cannot tell which one was right.
    const valid = await collector.enrollToken('acme', 'hq');
    await expect(enrollRaw(collector.url, valid, 'late')).rejects.toThrow(/429.*rate_limited/);
    expect((await collector.api('GET', '/api/v1/agents')).body.agents).toHaveLength(30);
  });
});

describe('admission control during a reconnect storm', () => {
  const tmp = makeTempDir('admission');
  let collector: TestCollector;

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`, ['--max-handshakes', '2', '--handshake-timeout', '2s']);
  });
  afterAll(async () => {
    await collector?.stop();
    tmp.remove();
  });

  it('asks connections past the handshake limit to retry later (1013), and admits again once there is room', async () => {
    const token = await collector.enrollToken('acme', 'hq');
    const identity = await enrollRaw(collector.url, token);
    const first = await connectRaw(collector.wsUrl);
    const second = await connectRaw(collector.wsUrl);

    const third = new WebSocket(`${collector.wsUrl}/agent`);
    third.on('error', () => {});
    const refused = await new Promise<{ code: number; reason: string }>((resolve) => third.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    expect(refused).toEqual({ code: CloseCode.tryAgainLater, reason: 'collector busy admitting agents; retry later' });

    first.ws.close();
    await first.closed;
    const admitted = await connectAuthenticated(collector.wsUrl, identity);
    expect(admitted.received.some((m) => m.type === 'welcome')).toBe(true);
    // Welcomed connections no longer count: two more may handshake while this one stays.
    second.ws.close();
    await second.closed;
    const again = [await connectRaw(collector.wsUrl), await connectRaw(collector.wsUrl)];
    for (const c of [...again, admitted]) c.ws.close();

    const metrics = await (await fetch(`${collector.url}/metrics`, { headers: { authorization: `Bearer ${collector.adminToken}` } })).text();
    expect(metrics).toMatch(/vigil_agent_connections_refused_total\{reason="busy"\} 1\b/);
  });
});
