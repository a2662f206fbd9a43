import {
  JobStreamMessageSchema, PROTOCOL_VERSION, generateAgentKeyPair, signChallenge, type CollectorMessage, type JobStreamMessage,
} from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTenantWorld, type TenantWorld, type TestCaller } from '../testing/tenant-callers.js';

/** Polls until `predicate` holds; the bound only turns a hang into a failure. */
async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Socket<T> { socket: WebSocket; received: T[]; closed: Promise<number> }

async function open<T>(url: string, parse: (data: unknown) => T): Promise<Socket<T>> {
  const socket = new WebSocket(url);
  const received: T[] = [];
  socket.on('message', (data) => received.push(parse(JSON.parse(data.toString()))));
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, received, closed };
}

describe('live output on the job stream', () => {
  let world: TenantWorld;
  let owner: TestCaller;
  const keys = generateAgentKeyPair();
  let agentId: string;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    world = await startTenantWorld();
    owner = world.caller('owner', []);
    agentId = 'agt_live_output';
    world.store.tenants.ensureTenantAndSite('acme', 'hq', 1);
    world.store.agents.insert({
      id: agentId, tenantId: 'acme', siteId: 'hq', hostname: 'live-host', os: { platform: 'linux', distro: 'debian', release: '12', arch: 'x64' },
      agentVersion: 'test', tags: [], publicKey: keys.publicKey, enrolledAt: 1,
    });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await world?.close();
  });

  it('relays an agent\'s chunks to watchers, replays them to a late one, and lets them go with the result', async () => {
    const wsUrl = world.collector.url.replace(/^http/, 'ws');
    // The agent, speaking the protocol by hand.
    const agent = await open<CollectorMessage>(`${wsUrl}/agent`, (m) => m as CollectorMessage);
    sockets.push(agent.socket);
    await until(() => agent.received.some((m) => m.type === 'challenge'), 'the challenge');
    const challenge = agent.received.find((m) => m.type === 'challenge') as Extract<CollectorMessage, { type: 'challenge' }>;
    const send = (message: unknown) => agent.socket.send(JSON.stringify(message));
    send({
      type: 'hello', protocolVersion: PROTOCOL_VERSION, agentId, agentVersion: 'test', nonce: challenge.nonce,
      signature: signChallenge(keys.privateKeyPem, agentId, challenge.nonce),
    });
    await until(() => agent.received.some((m) => m.type === 'welcome'), 'the welcome');
    expect(agent.received.find((m) => m.type === 'welcome')).toMatchObject({ liveOutput: true });

    const script = await world.call(owner, 'POST', '/api/v1/scripts', { name: 'Live', shell: 'sh', body: 'echo first; sleep 3; echo second\n', os: ['linux'] });
    expect(script.status, JSON.stringify(script.body)).toBe(201);
    const job = await world.call(owner, 'POST', '/api/v1/jobs', { scriptId: script.body.id, agentIds: [agentId] });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    await until(() => agent.received.some((m) => m.type === 'job.dispatch'), 'the dispatch');
    const runId = (agent.received.find((m) => m.type === 'job.dispatch') as Extract<CollectorMessage, { type: 'job.dispatch' }>).runId;

    const streamUrl = `${wsUrl}/api/v1/jobs/${job.body.id}/stream?token=${encodeURIComponent(owner.token)}`;
    const parse = (m: unknown) => JobStreamMessageSchema.parse(m);
    const early = await open<JobStreamMessage>(streamUrl, parse);
    sockets.push(early.socket);
    await until(() => early.received.length > 0, 'the snapshot');

    send({ type: 'job.started', runId, ts: Date.now() });
    send({ type: 'job.output', runId, stream: 'stdout', offset: 0, data: 'first\n' });
    send({ type: 'job.output', runId, stream: 'stderr', offset: 0, data: 'warn\n' });
    const outputs = (s: Socket<JobStreamMessage>) => s.received.filter((m): m is Extract<JobStreamMessage, { type: 'run.output' }> => m.type === 'run.output');
    await until(() => outputs(early).length === 2, 'the first chunks');
    expect(outputs(early)).toEqual([
      { type: 'run.output', runId, agentId, stream: 'stdout', offset: 0, data: 'first\n' },
      { type: 'run.output', runId, agentId, stream: 'stderr', offset: 0, data: 'warn\n' },
    ]);

    // A watcher who comes mid-run gets the snapshot, then what was printed so far.
    const late = await open<JobStreamMessage>(streamUrl, parse);
    sockets.push(late.socket);
    await until(() => outputs(late).length === 2, 'the replay');
    expect(late.received[0]!.type).toBe('job.snapshot');
    expect(outputs(late).map((m) => [m.stream, m.offset, m.data])).toEqual([['stdout', 0, 'first\n'], ['stderr', 0, 'warn\n']]);

    // A chunk that skips ahead is dropped; the next in order reaches both watchers.
    send({ type: 'job.output', runId, stream: 'stdout', offset: 100, data: 'out of order\n' });
    send({ type: 'job.output', runId, stream: 'stdout', offset: 6, data: 'second\n' });
    await until(() => outputs(early).length === 3 && outputs(late).length === 3, 'the second chunk');
    for (const watcher of [early, late]) expect(outputs(watcher).at(-1)).toMatchObject({ offset: 6, data: 'second\n' });
    expect(world.collector.context.gateway.liveOutput.size).toBe(1);

    send({
      type: 'job.result', runId, status: 'succeeded', exitCode: 0, signal: null, stdout: 'first\nsecond\n', stderr: 'warn\n',
      stdoutTruncated: false, stderrTruncated: false, startedAt: Date.now() - 3000, durationMs: 3000,
    });
    expect(await early.closed).toBe(1000);
    expect(await late.closed).toBe(1000);
    expect(early.received.some((m) => m.type === 'run.updated' && m.run.state === 'succeeded')).toBe(true);
    expect(outputs(early)).toHaveLength(3);
    // Stored: the live copy is gone, and the runs carry the output.
    expect(world.collector.context.gateway.liveOutput.size).toBe(0);
    const runs = await world.call(owner, 'GET', `/api/v1/jobs/${job.body.id}/runs`);
    expect(runs.body.runs[0]).toMatchObject({ stdout: 'first\nsecond\n', stderr: 'warn\n' });
  });

  it('announces an approval decision with who made it, when and why', async () => {
    const wsUrl = world.collector.url.replace(/^http/, 'ws');
    const script = await world.call(owner, 'POST', '/api/v1/scripts', { name: 'Guarded', shell: 'sh', body: 'true\n', os: ['linux'], tenant: 'acme', requiresApproval: true });
    expect(script.status, JSON.stringify(script.body)).toBe(201);
    const job = await world.call(owner, 'POST', '/api/v1/jobs', { scriptId: script.body.id, agentIds: [agentId] });
    expect(job.body.status).toBe('awaiting_approval');
    const watcher = await open<JobStreamMessage>(`${wsUrl}/api/v1/jobs/${job.body.id}/stream?token=${encodeURIComponent(owner.token)}`, (m) => JobStreamMessageSchema.parse(m));
    sockets.push(watcher.socket);
    await until(() => watcher.received.length > 0, 'the snapshot');

    const approver = world.caller('admin', ['acme']);
    const decided = await world.call(approver, 'POST', `/api/v1/jobs/${job.body.id}/reject`, { comment: 'not during business hours' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body.approval.decidedBy).toMatch(/\S/);
    await until(() => watcher.received.some((m) => m.type === 'job.updated'), 'the update');
    const update = watcher.received.find((m) => m.type === 'job.updated');
    expect(update).toMatchObject({
      status: 'rejected',
      approval: { required: true, decision: 'rejected', decidedBy: decided.body.approval.decidedBy, comment: 'not during business hours', decidedAt: expect.any(Number) },
    });
    expect(await watcher.closed).toBe(1000);
  });
});
