/**
 * Bulk jobs against a real collector, with hand-driven protocol agents that answer their
 * dispatches themselves: targeting by tenant, site, tags and OS; the concurrency limit as the
 * agents see it; offline policies; cancellation; approval by a second user; searching the runs'
 * output; and the live progress stream.
 */
import { generateAgentKeyPair } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { connectAuthenticated, type RawConnection, type RawIdentity } from '../helpers/raw-agent.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

type Platform = 'linux' | 'windows';

/** How a hand-driven agent answers a dispatch of a script (by the script's name). */
interface Behaviour {
  /** Answer job.result after this long (job.started goes at once). */
  delayMs?: number;
  stdout?: string;
  /** Never answer on its own: only a job.cancel ends the run. */
  hold?: boolean;
  /** Answer once this settles (after delayMs). */
  gate?: Promise<void>;
}

/** Dispatches received and not yet answered, per job, across all agents: what the concurrency limit bounds. */
const outstanding = new Map<string, number>();
const maxOutstanding = new Map<string, number>();

describe('bulk jobs', () => {
  const tmp = makeTempDir('bulk-jobs');
  let collector: TestCollector;
  const identities: Record<string, RawIdentity> = {};
  const connections: Record<string, RawConnection> = {};
  const behaviours: Record<string, (agent: string) => Behaviour> = {};
  let echoScriptId: string;

  const api = (method: string, path: string, body?: unknown) => collector.api(method, path, body);
  const as = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${collector.url}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  async function enroll(name: string, tenant: string, site: string, tags: string[], platform: Platform = 'linux'): Promise<void> {
    const token = await api('POST', '/api/v1/enrollment-tokens', { tenant, site, tags, maxUses: 1 });
    expect(token.status).toBe(201);
    const keys = generateAgentKeyPair();
    const res = await fetch(`${collector.url}/api/v1/agents/enroll`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(10_000),
      body: JSON.stringify({ token: token.body.token, publicKey: keys.publicKey, hostname: name, os: { platform, distro: 'test', release: '1', arch: 'x64' }, agentVersion: 'test' }),
    });
    expect(res.status).toBe(201);
    identities[name] = { agentId: ((await res.json()) as { agentId: string }).agentId, keys };
  }

  /** Connects the agent and makes it answer every dispatch as its script's behaviour says. */
  async function connect(name: string): Promise<RawConnection> {
    const connection = await connectAuthenticated(collector.wsUrl, identities[name]!);
    // The collector drops an agent silent for three heartbeats; these speak only when a job asks otherwise.
    const heartbeat = setInterval(() => connection.send({ type: 'heartbeat', ts: Date.now() }), 1000);
    connection.ws.on('close', () => clearInterval(heartbeat));
    const held = new Set<string>();
    const answer = (runId: string, jobId: string, status: 'succeeded' | 'failed', stdout: string, error?: string) => {
      outstanding.set(jobId, (outstanding.get(jobId) ?? 1) - 1);
      connection.send({
        type: 'job.result', runId, status, exitCode: status === 'succeeded' ? 0 : null, signal: null, stdout, stderr: '',
        stdoutTruncated: false, stderrTruncated: false, startedAt: Date.now(), durationMs: 1, ...(error ? { error } : {}),
      });
    };
    const jobOfRun = new Map<string, string>();
    const handle = (message: any) => {
      if (message.type === 'job.dispatch') {
        const now = (outstanding.get(message.jobId) ?? 0) + 1;
        outstanding.set(message.jobId, now);
        maxOutstanding.set(message.jobId, Math.max(maxOutstanding.get(message.jobId) ?? 0, now));
        jobOfRun.set(message.runId, message.jobId);
        connection.send({ type: 'job.started', runId: message.runId, ts: Date.now() });
        const behaviour = behaviours[message.script.manifest.name]?.(name) ?? {};
        if (behaviour.hold) {
          held.add(message.runId);
          return;
        }
        void (behaviour.gate ?? Promise.resolve()).then(() =>
          setTimeout(() => answer(message.runId, message.jobId, 'succeeded', behaviour.stdout ?? `ran on ${name}`), behaviour.delayMs ?? 0));
      } else if (message.type === 'job.cancel' && held.delete(message.runId)) {
        answer(message.runId, jobOfRun.get(message.runId)!, 'failed', '', 'cancelled');
      }
    };
    // Dispatches may arrive with the welcome, before this listener: those already received are answered too.
    for (const message of connection.received) handle(message);
    connection.ws.on('message', (data) => handle(JSON.parse(data.toString())));
    connections[name] = connection;
    return connection;
  }

  const agentId = (name: string) => identities[name]!.agentId;
  const namesOf = (runs: Array<{ agentId: string }>) =>
    runs.map((r) => Object.keys(identities).find((n) => identities[n]!.agentId === r.agentId)).sort();
  const finishedJob = (id: string) => waitFor(`job ${id} finished`, async () => {
    const { body } = await api('GET', `/api/v1/jobs/${id}`);
    return body.status === 'finished' ? body : undefined;
  });

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
    await enroll('a1', 'acme', 'hq', ['server', 'db']);
    await enroll('a2', 'acme', 'hq', ['server']);
    await enroll('a3', 'acme', 'branch', ['laptop']);
    await enroll('a4', 'acme', 'hq', ['server'], 'windows');
    await enroll('g1', 'globex', 'hq', ['server', 'db']);
    // a3 stays offline until the offline-policy test connects it.
    for (const name of ['a1', 'a2', 'a4', 'g1']) await connect(name);
    const script = await api('POST', '/api/v1/scripts', { name: 'Echo', shell: 'sh', body: 'echo hi\n', os: ['linux', 'windows'] });
    expect(script.status).toBe(201);
    echoScriptId = script.body.id;
  });

  afterAll(async () => {
    for (const connection of Object.values(connections)) connection.ws.close();
    await collector?.stop();
    tmp.remove();
  });

  it('targets agents by tenant, site, every tag given, and OS', async () => {
    const run = async (targets: Record<string, unknown>) => {
      const res = await api('POST', '/api/v1/jobs', { scriptId: echoScriptId, targets });
      expect(res.status).toBe(201);
      return namesOf(res.body.runs);
    };
    expect(await run({ tenant: 'acme' })).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(await run({ tenant: 'acme', site: 'hq', tags: ['server'] })).toEqual(['a1', 'a2', 'a4']);
    expect(await run({ tags: ['server', 'db'] })).toEqual(['a1', 'g1']);
    expect(await run({ os: 'windows' })).toEqual(['a4']);
    const none = await api('POST', '/api/v1/jobs', { scriptId: echoScriptId, targets: { tags: ['nothing-has-this'] } });
    expect(none).toMatchObject({ status: 400, body: { error: { code: 'invalid_body', message: 'invalid body: targets: no agent matches' } } });
  });

  it('keeps the older shape: named agents, and replaced arguments of an unsigned script', async () => {
    const res = await api('POST', '/api/v1/jobs', { scriptId: echoScriptId, agentIds: [agentId('a1')], args: ['--verbose'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ args: ['--verbose'], version: 1, status: 'active', approval: { required: false } });
    const job = await finishedJob(res.body.id);
    expect(job.runs).toEqual([expect.objectContaining({ agentId: agentId('a1'), state: 'succeeded', stdout: 'ran on a1' })]);
  });

  it('never has more runs unfinished at the agents than the job\'s concurrency', async () => {
    behaviours['Slow'] = () => ({ delayMs: 150 });
    const script = await api('POST', '/api/v1/scripts', { name: 'Slow', shell: 'sh', body: 'sleep 1\n', os: ['linux', 'windows'] });
    const res = await api('POST', '/api/v1/jobs', { scriptId: script.body.id, targets: { tags: ['server'] }, concurrency: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ concurrency: 2, counts: { queued: 4 } });
    const job = await finishedJob(res.body.id);
    expect(job.counts).toMatchObject({ succeeded: 4 });
    expect(maxOutstanding.get(res.body.id)).toBeLessThanOrEqual(2);
  });

  it('runs on an agent that connects later (run_on_reconnect), or expires its run at once (expire)', async () => {
    const later = await api('POST', '/api/v1/jobs', { scriptId: echoScriptId, targets: { tenant: 'acme', site: 'branch' }, offline: 'run_on_reconnect' });
    const expired = await api('POST', '/api/v1/jobs', { scriptId: echoScriptId, targets: { tenant: 'acme', site: 'branch' }, offline: 'expire' });
    expect(later.body).toMatchObject({ status: 'active', counts: { queued: 1 } });
    expect(expired.body).toMatchObject({ status: 'finished', counts: { expired: 1 } });
    expect(expired.body.runs[0].error).toMatch(/not connected when the job started/);

    const a3 = await connect('a3');
    const job = await finishedJob(later.body.id);
    expect(job.runs).toEqual([expect.objectContaining({ agentId: agentId('a3'), state: 'succeeded' })]);
    expect(a3.received.filter((m) => m.type === 'job.dispatch').map((m) => m.jobId)).not.toContain(expired.body.id);
  });

  it('cancels a job: queued runs at once, running ones through their agent', async () => {
    behaviours['Hold'] = () => ({ hold: true });
    const script = await api('POST', '/api/v1/scripts', { name: 'Hold', shell: 'sh', body: 'sleep 600\n', os: ['linux'] });
    // Concurrency 1: one run is held by its agent, the other waits in the queue.
    const res = await api('POST', '/api/v1/jobs', { scriptId: script.body.id, agentIds: [agentId('a1'), agentId('a2')], concurrency: 1 });
    await waitFor('one run running', async () => (await api('GET', `/api/v1/jobs/${res.body.id}`)).body.counts.running === 1 || undefined);
    const cancelled = await api('POST', `/api/v1/jobs/${res.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', counts: { cancelled: 1, running: 1 } });
    const final = await waitFor('the held run ended by its agent', async () => {
      const { body } = await api('GET', `/api/v1/jobs/${res.body.id}`);
      return body.counts.failed === 1 ? body : undefined;
    });
    expect(final).toMatchObject({ status: 'cancelled', counts: { cancelled: 1, failed: 1 } });
    expect((await api('POST', `/api/v1/jobs/${res.body.id}/cancel`)).status).toBe(409);
    const audit = await api('GET', `/api/v1/audit?action=job.cancelled&targetId=${res.body.id}`);
    expect(audit.body.entries).toEqual([expect.objectContaining({ action: 'job.cancelled', after: { status: 'cancelled' } })]);
  });

  it('holds a job of a script that requires approval until a second user approves it', async () => {
    const password = 'correct horse battery staple';
    for (const username of ['alice', 'bob']) {
      const user = await api('POST', '/api/v1/users', { username, password, role: 'admin', tenants: ['acme'] });
      expect(user.status).toBe(201);
    }
    const login = async (username: string) => (await as('', 'POST', '/api/v1/auth/login', { username, password })).body.token as string;
    const alice = await login('alice');
    const bob = await login('bob');
    const script = await as(alice, 'POST', '/api/v1/scripts', { name: 'Reboot', shell: 'sh', body: 'echo reboot\n', os: ['linux'], tenant: 'acme', requiresApproval: true });
    expect(script.status).toBe(201);

    const job = await as(alice, 'POST', '/api/v1/jobs', { scriptId: script.body.id, targets: { tenant: 'acme', tags: ['db'] } });
    expect(job.body).toMatchObject({ status: 'awaiting_approval', approval: { required: true, decision: null }, counts: { queued: 1 } });
    expect((await as(bob, 'GET', '/api/v1/approvals')).body.jobs.map((j: { id: string }) => j.id)).toContain(job.body.id);

    const own = await as(alice, 'POST', `/api/v1/jobs/${job.body.id}/approve`, { comment: 'mine' });
    expect(own).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: expect.stringMatching(/an approver other than the requester/) } } });
    const approved = await as(bob, 'POST', `/api/v1/jobs/${job.body.id}/approve`, { comment: 'change 42' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'active', approval: { decision: 'approved', decidedBy: 'bob', comment: 'change 42' } });
    expect((await as(bob, 'POST', `/api/v1/jobs/${job.body.id}/approve`, {})).status).toBe(409);
    expect((await finishedJob(job.body.id)).counts.succeeded).toBe(1);

    const rejected = await as(alice, 'POST', '/api/v1/jobs', { scriptId: script.body.id, agentIds: [agentId('a2')] });
    const decision = await as(bob, 'POST', `/api/v1/jobs/${rejected.body.id}/reject`, { comment: 'not now' });
    expect(decision.body).toMatchObject({ status: 'rejected', counts: { cancelled: 1 }, approval: { decision: 'rejected', comment: 'not now' } });
    expect(connections.a2!.received.some((m) => m.type === 'job.dispatch' && m.jobId === rejected.body.id)).toBe(false);
  });

  it('searches the runs\' output and pages through them', async () => {
    behaviours['Disk check'] = (agent) => ({ stdout: agent === 'a2' ? 'disk / 99% FULL' : 'disk / 40% used' });
    const script = await api('POST', '/api/v1/scripts', { name: 'Disk check', shell: 'sh', body: 'df -h /\n', os: ['linux', 'windows'] });
    const res = await api('POST', '/api/v1/jobs', { scriptId: script.body.id, targets: { tenant: 'acme' } });
    await finishedJob(res.body.id);
    const full = await api('GET', `/api/v1/jobs/${res.body.id}/runs?q=full`);
    expect(full.body).toMatchObject({ total: 1, runs: [expect.objectContaining({ agentId: agentId('a2'), stdout: 'disk / 99% FULL' })] });
    expect((await api('GET', `/api/v1/jobs/${res.body.id}/runs?q=${encodeURIComponent('99%')}`)).body.total).toBe(1);
    expect((await api('GET', `/api/v1/jobs/${res.body.id}/runs?state=succeeded&limit=3`)).body).toMatchObject({ total: 4, limit: 3 });
    expect((await api('GET', `/api/v1/jobs/${res.body.id}/runs?state=succeeded&limit=3&offset=3`)).body.runs).toHaveLength(1);
    expect((await api('GET', `/api/v1/jobs/${res.body.id}/runs?state=bogus`)).status).toBe(400);
  });

  it('streams a job\'s progress and closes when it is over', async () => {
    // The agents answer only once the stream has its snapshot: every change after it is on the stream.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    behaviours['Streamed'] = () => ({ gate });
    const script = await api('POST', '/api/v1/scripts', { name: 'Streamed', shell: 'sh', body: 'true\n', os: ['linux'] });
    const res = await api('POST', '/api/v1/jobs', { scriptId: script.body.id, agentIds: [agentId('a1'), agentId('a2')] });
    const ws = new WebSocket(`${collector.wsUrl}/api/v1/jobs/${res.body.id}/stream?token=${collector.adminToken}`);
    const messages: any[] = [];
    ws.on('message', (data) => {
      messages.push(JSON.parse(data.toString()));
      if (messages.length === 1) release();
    });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    expect(await closed).toBe(1000);
    expect(messages[0]).toMatchObject({ type: 'job.snapshot', job: { id: res.body.id } });
    expect(messages[0].job.runs[0]).not.toHaveProperty('stdout');
    expect(messages.filter((m) => m.type === 'run.updated' && m.run.state === 'succeeded')).toHaveLength(2);
    expect(messages.at(-1)).toMatchObject({ type: 'job.updated', status: 'finished', counts: { succeeded: 2 } });
  });
});
