/**
 * Store-and-forward under faults, with real processes: the collector is SIGKILLed mid-stream
 * again and again, kept down while agents spool to disk, and agents are killed during the outage
 * too. The ground truth is the collector's own SQLite file, read directly: every frame the agents
 * produced is stored exactly once, in the order the agents produced them; a spool that fills up
 * loses only its oldest frames, and says how many, to the collector too.
 */
import { AgentDetailSchema, AgentRuntimeStatusSchema, type AgentRuntimeStatus } from '@vigil/shared';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enrollAgent } from '../helpers/agent.js';
import { startNode, type Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { AGENT_BIN, REPO_ROOT } from '../helpers/paths.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

// The collector's driver, resolved from the collector package (the test workspace does not depend on it).
interface ReadOnlyDb {
  pragma(statement: string): unknown;
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  close(): void;
}
const Database = createRequire(join(REPO_ROOT, 'collector', 'package.json'))('better-sqlite3') as new (file: string, options: { readonly: boolean; fileMustExist: boolean }) => ReadOnlyDb;

interface StoredFrame { seq: number; receivedAt: number }

/** The frames the collector committed for an agent, in seq order, read from its database file. */
function storedFrames(dataDir: string, agentId: string): StoredFrame[] {
  const db = new Database(join(dataDir, 'vigil.db'), { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    return db.prepare('SELECT seq, received_at AS receivedAt FROM frames WHERE agent_id = ? ORDER BY seq').all(agentId) as StoredFrame[];
  } finally {
    db.close();
  }
}

function agentStatus(stateDir: string): AgentRuntimeStatus {
  return AgentRuntimeStatusSchema.parse(JSON.parse(readFileSync(join(stateDir, 'status.json'), 'utf8')));
}

function runAgentWith(stateDir: string, interval: string, extra: string[] = []): Child {
  return startNode(AGENT_BIN, ['run', '--state', stateDir, '--interval', interval, ...extra], { VIGIL_LOG_LEVEL: 'info' });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** Frames must have been received in seq order: commit times never go backwards as seq rises. */
function expectReceivedInOrder(frames: StoredFrame[]): void {
  for (let i = 1; i < frames.length; i++) {
    if (frames[i]!.receivedAt < frames[i - 1]!.receivedAt) {
      throw new Error(`seq ${frames[i]!.seq} was stored before seq ${frames[i - 1]!.seq}`);
    }
  }
}

describe('delivery under faults', () => {
  const started: Array<{ stop(): Promise<unknown> }> = [];
  const dirs: Array<{ remove(): void }> = [];

  afterEach(async () => {
    for (const child of started.splice(0).reverse()) await child.stop();
    for (const dir of dirs.splice(0)) dir.remove();
  });

  async function setUp(prefix: string, agentCount: number) {
    const tmp = makeTempDir(prefix);
    dirs.push(tmp);
    const dataDir = join(tmp.path, 'data');
    const port = await freePort();
    let collector: TestCollector = await startTestCollector(dataDir, ['--port', String(port)]);
    started.push({ stop: () => collector.stop() });
    const agents: Array<{ id: string; stateDir: string }> = [];
    for (let i = 0; i < agentCount; i++) {
      const stateDir = join(tmp.path, `agent-${i}`);
      agents.push({ id: await enrollAgent(collector.url, await collector.enrollToken('acme', 'hq'), stateDir), stateDir });
    }
    return {
      dataDir,
      agents,
      get collector() {
        return collector;
      },
      async kill(signal: NodeJS.Signals) {
        await collector.child.stop(signal);
      },
      async restart() {
        collector = await startTestCollector(dataDir, ['--port', String(port)]);
        started.push({ stop: () => collector.stop() });
      },
    };
  }

  it('stores every frame exactly once and in order while the collector is SIGKILLed mid-stream', async () => {
    const env = await setUp('kill', 3);
    let runners = env.agents.map((a) => runAgentWith(a.stateDir, '250ms'));
    started.push(...runners);
    await waitFor('every agent streaming', () => env.agents.every((a) => storedFrames(env.dataDir, a.id).length >= 3), 30_000);

    const kills = 5;
    for (let round = 0; round < kills; round++) {
      const before = env.agents.map((a) => storedFrames(env.dataDir, a.id).length);
      await sleep(400 + Math.random() * 800);
      await env.kill('SIGKILL');
      await sleep(200 + Math.random() * 800);
      await env.restart();
      // Each round must see fresh frames land, so every kill really is mid-stream.
      await waitFor(`frames after restart ${round + 1}`, () => env.agents.every((a, i) => storedFrames(env.dataDir, a.id).length > before[i]! + 2), 30_000);
    }

    // What the agents produced: their seq counters at a clean stop. Frames still spooled then are
    // delivered by a second run, which must leave no gap behind it.
    await Promise.all(runners.map((r) => r.stop('SIGTERM')));
    const produced = env.agents.map((a) => agentStatus(a.stateDir).lastSeq);
    runners = env.agents.map((a) => runAgentWith(a.stateDir, '250ms'));
    started.push(...runners);
    await waitFor('the spooled remainder delivered', () =>
      env.agents.every((a, i) => (storedFrames(env.dataDir, a.id).at(-1)?.seq ?? 0) >= produced[i]!), 30_000);
    await Promise.all(runners.map((r) => r.stop('SIGTERM')));

    for (const [i, agent] of env.agents.entries()) {
      const frames = storedFrames(env.dataDir, agent.id);
      const seqs = frames.map((f) => f.seq);
      const lastProduced = agentStatus(agent.stateDir).lastSeq;
      expect(produced[i]).toBeGreaterThan(10);
      // Exactly once: the primary key already forbids a second copy, so what matters is that none
      // is missing: the stored set is 1..n with nothing skipped, covering all that was produced.
      expect(seqs).toEqual(range(1, seqs.length));
      expect(seqs.length).toBeGreaterThanOrEqual(produced[i]!);
      expect(seqs.length).toBeLessThanOrEqual(lastProduced);
      expectReceivedInOrder(frames);
      expect(agentStatus(agent.stateDir).dropped).toBe(0);
    }
  }, 180_000);

  it('delivers the whole backlog spooled while the collector was down, across an agent restart', async () => {
    const env = await setUp('backlog', 1);
    const [agent] = env.agents;
    let runner = runAgentWith(agent!.stateDir, '200ms');
    started.push(runner);
    await waitFor('streaming', () => storedFrames(env.dataDir, agent!.id).length >= 3, 30_000);

    await env.kill('SIGTERM');
    const storedBefore = storedFrames(env.dataDir, agent!.id).length;
    // Down for a while; the agent is killed outright half-way, so the backlog has to survive on disk.
    await sleep(2_500);
    await runner.stop('SIGKILL');
    runner = runAgentWith(agent!.stateDir, '200ms');
    started.push(runner);
    await sleep(2_500);
    const spooled = await waitFor('the spool holding the backlog', () => {
      const s = agentStatus(agent!.stateDir);
      return s.unacked >= 15 && s.spoolBytes > 0 && s;
    });
    expect(spooled.state).not.toBe('connected');

    await env.restart();
    const produced = await waitFor('the backlog drained', () => {
      const s = agentStatus(agent!.stateDir);
      return s.state === 'connected' && s.unacked <= 2 && s.lastSeq;
    }, 60_000);
    await waitFor('every produced frame stored', () => (storedFrames(env.dataDir, agent!.id).at(-1)?.seq ?? 0) >= produced, 30_000);
    await runner.stop('SIGTERM');

    const frames = storedFrames(env.dataDir, agent!.id);
    expect(frames.length - storedBefore).toBeGreaterThanOrEqual(20);
    expect(frames.map((f) => f.seq)).toEqual(range(1, frames.length));
    expectReceivedInOrder(frames);
    expect(agentStatus(agent!.stateDir).dropped).toBe(0);
  }, 120_000);

  it('drops the oldest frames when the spool cap is reached, and counts them', async () => {
    const env = await setUp('spool-cap', 1);
    const [agent] = env.agents;
    const runner = runAgentWith(agent!.stateDir, '100ms', ['--spool-max', '32KB']);
    started.push(runner);
    await waitFor('streaming', () => storedFrames(env.dataDir, agent!.id).length >= 3, 30_000);

    await env.kill('SIGTERM');
    const lastBeforeOutage = storedFrames(env.dataDir, agent!.id).at(-1)!.seq;
    const full = await waitFor('the spool overflowing', () => {
      const s = agentStatus(agent!.stateDir);
      return s.dropped >= 10 && s;
    }, 30_000);
    expect(full.spoolMaxBytes).toBe(32 * 1024);
    expect(full.spoolBytes).toBeLessThanOrEqual(full.spoolMaxBytes);

    await env.restart();
    await waitFor('the surviving backlog delivered', () => {
      const s = agentStatus(agent!.stateDir);
      return s.state === 'connected' && s.unacked <= 2;
    }, 60_000);
    await runner.stop('SIGTERM');
    const status = agentStatus(agent!.stateDir);
    const seqs = storedFrames(env.dataDir, agent!.id).map((f) => f.seq);
    const stored = new Set(seqs);
    const missing = range(1, status.lastSeq).filter((s) => !stored.has(s));

    // Exactly the counted number is missing, all from the start of the outage (oldest first): one
    // contiguous run right after the last frame stored before it, and nothing after the run.
    expect(missing.length).toBe(status.dropped);
    expect(missing.length).toBeGreaterThanOrEqual(10);
    expect(missing).toEqual(range(missing[0]!, missing[0]! + missing.length - 1));
    expect(missing[0]!).toBeGreaterThan(lastBeforeOutage);
    expect(seqs.filter((s) => s > missing.at(-1)!).length).toBeGreaterThan(0);

    // The collector was told: every frame sent after the outage carried the agent's count, so an
    // operator sees the gap accounted for without reading the agent's status file.
    const view = AgentDetailSchema.parse((await env.collector.api('GET', `/api/v1/agents/${agent!.id}`)).body);
    expect(view.spool?.dropped).toBe(status.dropped);
    expect(view.spool?.depth).toBeGreaterThan(0);
  }, 120_000);
});
