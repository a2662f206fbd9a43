import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloseCode, MAX_MESSAGE_BYTES, PROTOCOL_VERSION, generateAgentKeyPair, type Frame } from '@vigil/shared';
import { silentLogger, type Logger } from '../log.js';
import { JobHandler } from '../runner/job-handler.js';
import { MemorySeqSource } from '../state/seq-store.js';
import type { StatusPatch } from '../state/status-file.js';
import { FakeCollector, type FakeCollectorOptions } from '../testing/fake-collector.js';
import { dispatchOf, manifest, signScript, testTenant } from '../testing/signed-scripts.js';
import { AgentConnection, type AgentConnectionOptions } from './agent-connection.js';
import { FatalCloseError } from './errors.js';
import { DeliveryTracker } from './delivery-tracker.js';
import { MemoryFrameQueue, type FrameQueue } from './frame-queue.js';
import { DiskSpool } from './spool/disk-spool.js';

const AGENT_ID = 'agt_connection_test';

/** Polls an agent-side condition; the bound only turns a hang into a failure. */
async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function frame(seq: number): Frame {
  return { type: 'frame', seq, ts: Date.now(), samples: [{ metric: 'cpu.load1', value: seq }], sources: [] };
}

let fake: FakeCollector;
let connection: AgentConnection | undefined;

async function setup(fakeOptions: FakeCollectorOptions = {}, extra: Partial<AgentConnectionOptions> = {}) {
  fake = await FakeCollector.start(fakeOptions);
  const keys = generateAgentKeyPair();
  fake.addAgent(AGENT_ID, keys.publicKey);
  const queue: FrameQueue = extra.queue ?? new MemoryFrameQueue(100);
  const seq = extra.seq ?? new MemorySeqSource();
  const status: StatusPatch = {};
  const conn: AgentConnection = new AgentConnection({
    server: fake.url,
    agentId: AGENT_ID,
    privateKeyPem: keys.privateKeyPem,
    agentVersion: '0.0.0-test',
    queue,
    seq,
    logger: silentLogger(),
    status: { update: (patch) => Object.assign(status, patch) },
    backoff: { startingDelayMs: 10, maxDelayMs: 50 },
    onDispatch: () => {},
    ...extra,
  });
  connection = conn;
  const push = (n = 1, onDelivered: ReadonlyArray<() => void> = []) => {
    for (let i = 0; i < n; i++) conn.enqueueFrame(frame(seq.next()), onDelivered);
  };
  return { conn, queue, seq, status, push };
}

const spools: DiskSpool[] = [];
const dirs: string[] = [];
function openSpool(dir?: string, maxBytes = 1024 * 1024): { spool: DiskSpool; dir: string } {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'vigil-connection-spool-'));
    dirs.push(dir);
  }
  const spool = DiskSpool.open({ dir: join(dir, 'spool'), maxBytes, logger: silentLogger() });
  spools.push(spool);
  return { spool, dir };
}

beforeEach(() => {
  connection = undefined;
});

afterEach(async () => {
  await connection?.stop();
  await fake?.stop();
  for (const spool of spools.splice(0)) spool.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A logger keeping its warnings, to check what an operator is told. */
function recordingLogger(): { logger: Logger; warnings: Array<Record<string, unknown>> } {
  const warnings: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, warnings };
}

/** A frame carrying event-log text: CJK takes three bytes per character, so it is over the limit in bytes though not in `.length`. */
function cjkFrame(seq: number): Frame {
  const wide: Frame = { ...frame(seq), sections: { events: { entries: [{ message: '漢'.repeat(400_000) }] } } };
  expect(JSON.stringify(wide).length).toBeLessThan(MAX_MESSAGE_BYTES);
  expect(Buffer.byteLength(JSON.stringify(wide))).toBeGreaterThan(MAX_MESSAGE_BYTES);
  return wide;
}

const seqsOn = (conn: number) => fake.frames.filter((f) => f.connection === conn).map((f) => f.frame.seq);

describe('AgentConnection', () => {
  it('authenticates with a signed challenge, streams frames and forgets them once acked', async () => {
    const { conn, queue, status, push } = await setup();
    const running = conn.run();
    await fake.waitFor(() => fake.connected, 'the agent to connect');
    push(3);
    await fake.waitFor(() => fake.frames.length === 3, 'three frames');
    await until(() => queue.size === 0, 'the queue to drain');
    expect(fake.messages[0]!.message).toMatchObject({ type: 'hello', agentId: AGENT_ID, protocolVersion: PROTOCOL_VERSION, trustVersion: 0 });
    expect(seqsOn(1)).toEqual([1, 2, 3]);
    expect(status).toMatchObject({ state: 'connected', lastAckedSeq: 3, unacked: 0 });
    await conn.stop();
    await running;
  });

  it('resends unacknowledged frames in order after the collector closes the connection', async () => {
    const { conn, queue, push } = await setup({ autoAck: false });
    const running = conn.run();
    await fake.waitFor(() => fake.connected, 'the agent to connect');
    push(3);
    await fake.waitFor(() => fake.frames.length === 3, 'three unacked frames');
    fake.ack(2);
    await until(() => queue.size === 2, 'the ack for seq 2');

    fake.autoAck = true;
    fake.closeCurrent(CloseCode.goingAway, 'restarting');
    await fake.waitFor(() => seqsOn(2).length === 2, 'the resend on the second connection');
    expect(seqsOn(2)).toEqual([1, 3]);
    push();
    await fake.waitFor(() => seqsOn(2).length === 3, 'a new frame after the resend');
    expect(seqsOn(2)).toEqual([1, 3, 4]);
    await until(() => queue.size === 0, 'the queue to drain');
    await conn.stop();
    await running;
  });

  it('buffers frames while offline and skips those the welcome says are stored', async () => {
    const { conn, push } = await setup();
    push(3);
    fake.lastSeq.set(AGENT_ID, 2);
    const running = conn.run();
    await fake.waitFor(() => fake.frames.length === 1, 'the unstored frame');
    expect(seqsOn(1)).toEqual([3]);
    await conn.stop();
    await running;
  });

  it('tells the collector on every frame how many frames its full queue dropped, as of sending', async () => {
    const { conn, queue, push } = await setup({}, { queue: new MemoryFrameQueue(3) });
    // Offline: five frames into a queue of three drop the oldest two.
    push(5);
    const running = conn.run();
    await fake.waitFor(() => fake.frames.length === 3, 'the surviving backlog');
    expect(seqsOn(1)).toEqual([3, 4, 5]);
    // Sent together, so all three carry the figures of that moment, drops included.
    expect(fake.frames.map((f) => f.frame.spool)).toEqual([{ dropped: 2, depth: 3 }, { dropped: 2, depth: 3 }, { dropped: 2, depth: 3 }]);
    await until(() => queue.size === 0, 'the backlog acknowledged');
    push();
    await fake.waitFor(() => fake.frames.length === 4, 'a frame after the backlog');
    expect(fake.frames[3]!.frame).toMatchObject({ seq: 6, spool: { dropped: 2, depth: 1 } });
    await conn.stop();
    await running;
  });

  it('continues after the collector when its lastSeq is ahead of the local counter', async () => {
    const { conn, seq, push } = await setup();
    push(2);
    fake.lastSeq.set(AGENT_ID, 10);
    const running = conn.run();
    await fake.waitFor(() => fake.frames.length === 2, 'the renumbered frames');
    expect(seqsOn(1)).toEqual([11, 12]);
    expect(seq.last).toBe(12);
    await conn.stop();
    await running;
  });

  it('stops for good on a fatal close code instead of reconnecting', async () => {
    const { conn, status } = await setup();
    fake.refuseWith = { code: CloseCode.revoked, reason: 'agent revoked' };
    const error = await conn.run().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FatalCloseError);
    expect((error as FatalCloseError).code).toBe(CloseCode.revoked);
    expect(fake.connections).toBe(1);
    expect(status.lastError).toMatch(/revoked/);
  });

  it('retries a non-fatal refusal with backoff until welcomed', async () => {
    const { conn, status } = await setup();
    fake.refuseWith = { code: CloseCode.badMessage, reason: 'try again' };
    const running = conn.run();
    await fake.waitFor(() => fake.connections >= 3, 'repeated attempts');
    expect(status.state).not.toBe('connected');
    fake.refuseWith = undefined;
    await fake.waitFor(() => fake.connected, 'a successful connection');
    await until(() => status.state === 'connected', 'the connected state');
    await conn.stop();
    await running;
  });

  // Each welcome would otherwise reset the delay to its start, and the agent would be back
  // within a moment of every close, to be cut off again.
  it.each([
    ['rate limited', CloseCode.rateLimited],
    ['replaced', CloseCode.replaced],
  ])('keeps backing off when welcomed sessions are %s', async (_why, code) => {
    const { conn } = await setup({}, { backoff: { startingDelayMs: 50, maxDelayMs: 60_000 } });
    fake.closeAfterWelcome = { code, reason: 'slow down' };
    const running = conn.run();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // Growing delays (jittered over 50, 100, 200, … ms) allow about six connections in 1.5 s;
    // a delay reset after every welcome allows dozens.
    expect(fake.connections).toBeGreaterThanOrEqual(2);
    expect(fake.connections).toBeLessThan(12);
    await conn.stop();
    await running;
  });

  it('drops a connection on which the collector has gone silent, and reconnects', async () => {
    const { conn, status } = await setup({ autoPong: false }, { heartbeatMs: 50, silentHeartbeats: 3 });
    const running = conn.run();
    await fake.waitFor(() => fake.connections >= 2 && fake.connected, 'a second connection');
    expect(fake.messages.some((m) => m.connection === 1 && m.message.type === 'heartbeat')).toBe(true);
    expect(status.lastError === null || /nothing heard/.test(String(status.lastError))).toBe(true);
    await conn.stop();
    await running;
  });

  it('closes with 1000 when stopped', async () => {
    const { conn } = await setup();
    const running = conn.run();
    await fake.waitFor(() => fake.connected, 'the agent to connect');
    await conn.stop();
    await running;
    await fake.waitFor(() => fake.closes.length === 1, 'the close');
    expect(fake.closes[0]).toMatchObject({ code: 1000 });
  });

  it('sends live script output only to a collector that takes it, and drops it while disconnected', async () => {
    const chunk = (offset: number, data: string) => ({ type: 'job.output' as const, runId: 'run_l', stream: 'stdout' as const, offset, data });
    const older = await setup();
    const first = older.conn.run();
    await until(() => older.conn.connected, 'the agent to be welcomed');
    // A collector from before job.output would close the connection on it: nothing is sent.
    expect(older.conn.sendLiveOutput(chunk(0, 'never sent\n'))).toBe(false);
    await older.conn.stop();
    await first;
    await fake.stop();

    const { conn } = await setup({ liveOutput: true });
    expect(conn.sendLiveOutput(chunk(0, 'before connecting\n'))).toBe(false);
    const running = conn.run();
    await until(() => conn.connected, 'the agent to be welcomed');
    expect(conn.sendLiveOutput(chunk(18, 'while connected\n'))).toBe(true);
    await fake.waitFor(() => fake.messages.some((m) => m.message.type === 'job.output'), 'job.output');
    expect(fake.messages.filter((m) => m.message.type === 'job.output').map((m) => m.message)).toEqual([chunk(18, 'while connected\n')]);
    await conn.stop();
    await running;
  });

  it('runs dispatched scripts and delivers a result finished while disconnected after reconnecting', async () => {
    const tenant = testTenant('acme');
    let jobs: JobHandler | undefined;
    const { conn } = await setup({}, { onDispatch: (message) => jobs!.handle(message) });
    jobs = new JobHandler({ agentId: AGENT_ID, tenantId: 'acme', trust: () => tenant.trust.document, logger: silentLogger(), send: (message) => conn.sendJobMessage(message) });
    const running = conn.run();
    await fake.waitFor(() => fake.connected, 'the agent to connect');

    const startedMarker = `${process.pid}-${Date.now()}`;
    fake.send(dispatchOf('run_1', signScript(manifest(`echo ${startedMarker}; sleep 1; echo done`), tenant.key), { agentId: AGENT_ID }));
    await fake.waitFor(() => fake.messages.some((m) => m.message.type === 'job.started'), 'job.started');
    fake.closeCurrent(CloseCode.goingAway, 'restarting');

    await fake.waitFor(() => fake.messages.some((m) => m.message.type === 'job.result'), 'job.result');
    const result = fake.messages.find((m) => m.message.type === 'job.result')!;
    expect(result.connection).toBe(2);
    expect(result.message).toMatchObject({ runId: 'run_1', status: 'succeeded', stdout: `${startedMarker}\ndone\n` });
    await jobs.stop();
    await conn.stop();
    await running;
  });

  it('announces its trust version in every hello, and hands job.cancel and trust.update on', async () => {
    const tenant = testTenant('acme');
    const cancels: string[] = [];
    const updates: number[] = [];
    let trustVersion = 3;
    const { conn } = await setup({}, {
      trustVersion: () => trustVersion,
      onCancel: (message) => cancels.push(message.runId),
      onTrustUpdate: (message) => updates.push(message.trust.document.version),
    });
    const running = conn.run();
    await fake.waitFor(() => fake.connected, 'the agent to connect');
    expect(fake.messages.find((m) => m.message.type === 'hello')!.message).toMatchObject({ trustVersion: 3 });
    fake.send({ type: 'job.cancel', runId: 'run_9' });
    fake.send({ type: 'trust.update', trust: tenant.trust });
    await until(() => cancels.length === 1 && updates.length === 1, 'the cancel and the trust update');
    expect(cancels).toEqual(['run_9']);
    expect(updates).toEqual([1]);

    trustVersion = 4;
    fake.closeCurrent(CloseCode.goingAway, 'restarting');
    await fake.waitFor(() => fake.messages.filter((m) => m.message.type === 'hello').length === 2, 'the second hello');
    expect(fake.messages.filter((m) => m.message.type === 'hello')[1]!.message).toMatchObject({ trustVersion: 4 });
    await conn.stop();
    await running;
  });

  it('with a disk spool, counts a frame delivered once spooled, and resends what was spooled after a restart', async () => {
    const { spool, dir } = openSpool();
    const delivered: number[] = [];
    const first = await setup({ autoAck: false }, { queue: spool, delivery: new DeliveryTracker() });
    const running = first.conn.run();
    await fake.waitFor(() => fake.connected, 'the agent to connect');
    for (let i = 0; i < 3; i++) first.push(1, [() => delivered.push(first.seq.last)]);
    // Safe on disk before any ack: the sources may move their cursors on.
    expect(delivered).toEqual([1, 2, 3]);
    await fake.waitFor(() => fake.frames.length === 3, 'three unacked frames');
    expect(first.status).toMatchObject({ unacked: 3, spoolMaxBytes: 1024 * 1024 });
    expect(first.status.spoolBytes).toBeGreaterThan(0);
    await first.conn.stop();
    await running;
    await fake.stop();

    // A new process: a fresh connection over the reopened spool sends the same frames, in order.
    spool.close();
    const reopened = openSpool(dir).spool;
    expect(reopened.size).toBe(3);
    const second = await setup({}, { queue: reopened, seq: new MemorySeqSource(3) });
    const again = second.conn.run();
    await fake.waitFor(() => fake.frames.length === 3, 'the spooled frames');
    expect(seqsOn(1)).toEqual([1, 2, 3]);
    expect(fake.frames.map((f) => f.frame.samples[0]!.value)).toEqual([1, 2, 3]);
    await until(() => reopened.size === 0, 'the spool to drain');
    await until(() => second.status.unacked === 0 && second.status.spoolBytes === 0, 'status to show the empty spool');
    await second.conn.stop();
    await again;
  });

  it('renumbers a disk spool when the collector is ahead of the local counter', async () => {
    const { spool } = openSpool();
    const { conn, seq, push } = await setup({}, { queue: spool });
    push(3);
    spool.ack(2);
    fake.lastSeq.set(AGENT_ID, 40);
    const running = conn.run();
    await fake.waitFor(() => fake.frames.length === 2, 'the renumbered frames');
    expect(seqsOn(1)).toEqual([41, 42]);
    expect(fake.frames.map((f) => f.frame.samples[0]!.value)).toEqual([1, 3]);
    expect(seq.last).toBe(42);
    push();
    await fake.waitFor(() => fake.frames.length === 3, 'a new frame after them');
    expect(seqsOn(1)).toEqual([41, 42, 43]);
    await conn.stop();
    await running;
  });

  describe('frames the collector cannot take', () => {
    it('drops a spooled frame over the limit in bytes instead of sending it, counts it, and delivers the frames after it', async () => {
      // As an older agent, which measured in UTF-16 code units, may have left its spool.
      const { spool } = openSpool(undefined, 8 * 1024 * 1024);
      spool.push(frame(1));
      spool.push(cjkFrame(2));
      spool.push(frame(3));
      const { logger, warnings } = recordingLogger();
      const { conn, status, push } = await setup({}, { queue: spool, seq: new MemorySeqSource(3), logger });
      const running = conn.run();
      await fake.waitFor(() => fake.frames.length === 2, 'the frames around the oversized one');
      push();
      await fake.waitFor(() => fake.frames.length === 3, 'a new frame after them');

      expect(seqsOn(1)).toEqual([1, 3, 4]);
      expect(fake.frames.map((f) => f.frame.spool?.dropped)).toEqual([0, 1, 1]);
      expect(fake.closes).toEqual([]);
      await until(() => spool.size === 0, 'the spool to drain');
      expect(spool.dropped).toBe(1);
      await until(() => status.dropped === 1 && status.unacked === 0, 'status to report the drop');
      const drops = warnings.filter((w) => w.seq !== undefined);
      expect(drops).toHaveLength(1);
      expect(drops[0]).toMatchObject({ seq: 2, msg: expect.stringMatching(/over the message size limit/) });
      expect(drops[0]!.bytes).toBeGreaterThan(MAX_MESSAGE_BYTES);
      await conn.stop();
      await running;
    });

    it('never runs the delivery hooks of a frame dropped for size from an in-memory queue', async () => {
      const delivered: number[] = [];
      const delivery = new DeliveryTracker();
      const { conn, queue } = await setup({}, { delivery });
      conn.enqueueFrame(frame(1), [() => delivered.push(1)]);
      conn.enqueueFrame(cjkFrame(2), [() => delivered.push(2)]);
      conn.enqueueFrame(frame(3), [() => delivered.push(3)]);
      const running = conn.run();
      await until(() => queue.size === 0, 'the queue to drain');
      expect(seqsOn(1)).toEqual([1, 3]);
      expect(delivered).toEqual([1, 3]);
      expect(delivery.pending).toBe(0);
      expect(queue.dropped).toBe(1);
      await conn.stop();
      await running;
    });
  });
});
