import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentEnrollmentFileSchema, AgentRuntimeStatusSchema, CloseCode, FrameSchema } from '@vigil/shared';
import { COLLECTOR_NAMES } from '../collectors/registry.js';
import { FakeCollector } from '../testing/fake-collector.js';
import { renderStatus, type StatusReport } from './status.js';

/** These drive the built CLI (dist/) as a real child process, the way users and services run it. */
const BIN = fileURLToPath(new URL('../../bin/vigil-agent.js', import.meta.url));
const TOKEN = 'enroll-token-0123456789abcdef';

const env = () => {
  const copy: NodeJS.ProcessEnv = { ...process.env, VIGIL_LOG_LEVEL: 'info' };
  delete copy.VIGIL_AGENT_STATE;
  return copy;
};

function cli(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: env(), timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

const children: ChildProcess[] = [];
function start(args: string[]): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const dirs: string[] = [];
const tempState = () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'vigil-agent-test-')), 'state');
  dirs.push(dir);
  return dir;
};

let fake: FakeCollector;
beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)))) throw new Error('build the agent first: npx tsc -b agent');
  fake = await FakeCollector.start({ tokens: [TOKEN], heartbeatSec: 1 });
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  fake.refuseWith = undefined;
});
afterAll(async () => {
  await fake.stop();
  for (const dir of dirs) rmSync(join(dir, '..'), { recursive: true, force: true });
});

describe('vigil-agent collect --once', () => {
  it('prints exactly one valid frame, with real rates, and nothing else on stdout', async () => {
    const { code, stdout } = await cli(['collect', '--once']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const frame = FrameSchema.parse(JSON.parse(lines[0]!));
    expect(frame.seq).toBe(1);
    // Every collector, in registry order (periodic ones included: --once waits for them).
    expect(frame.sources.map((s) => s.source)).toEqual([...COLLECTOR_NAMES]);
    const metrics = new Set(frame.samples.map((s) => s.metric));
    for (const metric of ['cpu.usage_pct', 'mem.used_pct', 'disk.used_pct', 'disk.read_bps', 'net.rx_bps']) expect(metrics).toContain(metric);
  });

  it('runs only the collectors named with --only', async () => {
    const { code, stdout } = await cli(['collect', '--once', '--only', 'memory,disk']);
    expect(code).toBe(0);
    const frame = FrameSchema.parse(JSON.parse(stdout));
    expect(frame.sources.map((s) => s.source)).toEqual(['memory', 'disk']);
  });

  it('rejects an unknown collector name', async () => {
    const { code, stdout, stderr } = await cli(['collect', '--once', '--only', 'cpu,bogus']);
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/unknown collector bogus/);
  });
});

describe('vigil-agent enroll', () => {
  it('stores the identity privately and prints the agent id', async () => {
    const state = tempState();
    const { code, stdout, stderr } = await cli(['enroll', '--allow-plaintext', '--server', fake.url, '--token', TOKEN, '--state', state]);
    expect(stderr).not.toMatch(/PRIVATE KEY/);
    expect(code).toBe(0);
    const agentId = stdout.trim();
    expect(fake.agents.has(agentId)).toBe(true);
    const enrollment = AgentEnrollmentFileSchema.parse(JSON.parse(readFileSync(join(state, 'agent.json'), 'utf8')));
    expect(enrollment).toMatchObject({ agentId, server: fake.url, tenantId: 'acme', siteId: 'hq', tags: ['test'] });
    expect(readFileSync(join(state, 'agent.key'), 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
    if (process.platform !== 'win32') {
      expect(statSync(join(state, 'agent.key')).mode & 0o777).toBe(0o600);
      expect(statSync(state).mode & 0o777).toBe(0o700);
    }
    const again = await cli(['enroll', '--allow-plaintext', '--server', fake.url, '--token', TOKEN, '--state', state]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already enrolled.*--force/);
  });

  it("prints the collector's error message and exits 1 when refused", async () => {
    const state = tempState();
    const { code, stdout, stderr } = await cli(['enroll', '--allow-plaintext', '--server', fake.url, '--token', 'wrong-token-0123456789', '--state', state]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/enrollment token is invalid or expired/);
    expect(existsSync(join(state, 'agent.json'))).toBe(false);
  });
});

describe('vigil-agent run and status', () => {
  it('streams frames, reports its status, and stops with 1000 and exit 0 on SIGTERM', async () => {
    const state = tempState();
    const enrolled = await cli(['enroll', '--allow-plaintext', '--server', fake.url, '--token', TOKEN, '--state', state]);
    const agentId = enrolled.stdout.trim();

    const agent = start(['run', '--state', state, '--interval', '200ms']);
    await fake.waitFor(() => fake.frames.filter((f) => f.agentId === agentId).length >= 3, 'three frames');
    const seqs = fake.frames.filter((f) => f.agentId === agentId).map((f) => f.frame.seq);
    expect(seqs.slice(0, 3)).toEqual([1, 2, 3]);

    const readStatus = () => (existsSync(join(state, 'status.json')) ? AgentRuntimeStatusSchema.parse(JSON.parse(readFileSync(join(state, 'status.json'), 'utf8'))) : null);
    await until(() => readStatus()?.state === 'connected' && (readStatus()?.lastAckedSeq ?? 0) >= 1, 'status.json to say connected');

    const human = await cli(['status', '--state', state]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`agent\\s+${agentId}`));
    expect(human.stdout).toMatch(/connection\s+connected/);
    expect(human.stdout).toMatch(/last acked seq\s+\d+/);
    expect(human.stdout).toMatch(/spool\s+\d+ frames? awaiting ack, [\d.]+ [KM]?B of 256 MB/);
    expect(human.stdout).toMatch(/dropped frames\s+0/);
    const json = JSON.parse((await cli(['status', '--state', state, '--json'])).stdout);
    expect(json).toMatchObject({ enrolled: true, processAlive: true, enrollment: { agentId }, status: { state: 'connected', agentId, dropped: 0, spoolMaxBytes: 256 * 1024 * 1024 } });
    expect(json.status).toHaveProperty('spoolBytes');
    expect(json.status).toHaveProperty('unacked');

    const closesBefore = fake.closes.length;
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    await fake.waitFor(() => fake.closes.length > closesBefore, 'the close');
    expect(fake.closes.at(-1)!.code).toBe(1000);
    expect(readStatus()).toMatchObject({ running: false, state: 'disconnected' });
    expect(agent.stderr()).toContain(`"agentId":"${agentId}"`);
    expect(agent.stderr()).not.toMatch(/PRIVATE KEY/);

    // A restart continues the seq series instead of starting over.
    const again = start(['run', '--state', state, '--interval', '200ms']);
    const before = fake.frames.length;
    await fake.waitFor(() => fake.frames.length > before, 'a frame after the restart');
    expect(fake.frames[before]!.frame.seq).toBeGreaterThan(Math.max(...seqs));
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('exits 3 without retrying when the collector refuses the agent', async () => {
    const state = tempState();
    await cli(['enroll', '--allow-plaintext', '--server', fake.url, '--token', TOKEN, '--state', state]);
    fake.refuseWith = { code: CloseCode.unauthorized, reason: 'authentication failed' };
    const connectionsBefore = fake.connections;
    const agent = start(['run', '--state', state, '--interval', '200ms']);
    expect(await agent.exited).toBe(3);
    expect(fake.connections).toBe(connectionsBefore + 1);
    expect(agent.stderr()).toMatch(/refused this agent/);
  });

  it('spools frames on disk while the collector does not acknowledge them, under the --spool-max cap', async () => {
    const state = tempState();
    const enrolled = await cli(['enroll', '--allow-plaintext', '--server', fake.url, '--token', TOKEN, '--state', state]);
    const agentId = enrolled.stdout.trim();
    fake.autoAck = false;
    try {
      const agent = start(['run', '--state', state, '--interval', '100ms', '--spool-max', '16KB']);
      const readStatus = () => (existsSync(join(state, 'status.json')) ? AgentRuntimeStatusSchema.parse(JSON.parse(readFileSync(join(state, 'status.json'), 'utf8'))) : null);
      await until(() => (readStatus()?.dropped ?? 0) > 0, 'the capped spool to drop frames');
      const status = readStatus()!;
      expect(status.spoolMaxBytes).toBe(16 * 1024);
      expect(status.unacked).toBeGreaterThan(0);
      expect(fake.frames.some((f) => f.agentId === agentId)).toBe(true);
      const human = await cli(['status', '--state', state]);
      expect(human.stdout).toMatch(/spool\s+\d+ frames? awaiting ack, [\d.]+ KB of 16 KB/);
      expect(human.stdout).toMatch(/dropped frames\s+\d+ \(spool full, or too big to send\)/);
      agent.child.kill('SIGTERM');
      expect(await agent.exited).toBe(0);
    } finally {
      fake.autoAck = true;
    }
  });

  it('refuses, in one line, to run a second agent on a state directory an agent is running on', async () => {
    const state = tempState();
    const enrolled = await cli(['enroll', '--allow-plaintext', '--server', fake.url, '--token', TOKEN, '--state', state]);
    const agentId = enrolled.stdout.trim();
    const first = start(['run', '--state', state, '--interval', '200ms']);
    await fake.waitFor(() => fake.frames.some((f) => f.agentId === agentId), 'a frame from the first agent');

    const second = await cli(['run', '--state', state, '--interval', '200ms']);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`vigil-agent: another vigil-agent process (pid ${first.child.pid}) is using the spool in ${join(state, 'spool')}; stop it first, or delete ${join(state, 'spool', 'lock')} if that pid is not an agent\n`);

    // The first one is undisturbed, and once it stops cleanly the directory is free again.
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(state, 'spool', 'lock'))).toBe(false);
  });

  it('refuses a --spool-max that is not a size or is too small', async () => {
    const state = tempState();
    const bad = await cli(['run', '--state', state, '--spool-max', 'lots']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--spool-max.*invalid size "lots"/);
    const small = await cli(['run', '--state', state, '--spool-max', '4KB']);
    expect(small.code).not.toBe(0);
    expect(small.stderr).toMatch(/at least 16KB/);
  });

  it('says when the endpoint is not enrolled', async () => {
    const state = tempState();
    const status = await cli(['status', '--state', state]);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/not enrolled/);
    const run = await cli(['run', '--state', state]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not enrolled/);
  });
});

describe('vigil-agent status rendering', () => {
  const report = (status: Partial<NonNullable<StatusReport['status']>>, trust: StatusReport['trust'] = null): StatusReport => ({
    stateDir: '/state',
    enrolled: true,
    processAlive: true,
    trust,
    enrollment: { server: 'https://vigil.example.com', agentId: 'agt_1', tenantId: 'acme', siteId: 'hq', tags: [], enrolledAt: '2024-01-01T00:00:00.000Z' },
    status: {
      pid: 1, agentId: 'agt_1', server: 'https://vigil.example.com', state: 'disconnected', running: true, startedAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z',
      lastConnectedAt: null, lastDisconnectedAt: null, lastSeq: 4321, lastAckedSeq: 4000, unacked: 321, dropped: 0, spoolBytes: 0, spoolMaxBytes: 0, pendingResults: 0, lastError: null,
      lastTrustRefusal: null,
      ...status,
    },
  });

  it('shows the connection, the last acknowledged seq, the spool depth against its cap and the drops', () => {
    const text = renderStatus(report({ unacked: 321, spoolBytes: 655_360, spoolMaxBytes: 256 * 1024 * 1024, dropped: 17 }));
    expect(text).toMatch(/^connection\s+disconnected$/m);
    expect(text).toMatch(/^last acked seq\s+4000$/m);
    expect(text).toMatch(/^spool\s+321 frames awaiting ack, 640 KB of 256 MB$/m);
    expect(text).toMatch(/^dropped frames\s+17 \(spool full, or too big to send\)$/m);
  });
});
