import { RunStateSchema, type JobRunProgress, type JobStreamMessage, type JobSummary } from '@vigil/shared';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiClient } from './api-client.js';
import { streamJob } from './job-stream.js';

/** Runs per state, as the API gives them: every state, most of them 0. */
const counts = (given: Partial<JobSummary['counts']>): JobSummary['counts'] => ({ ...Object.fromEntries(RunStateSchema.options.map((s) => [s, 0])), ...given }) as JobSummary['counts'];

const summary: JobSummary = {
  id: 'job_1', scriptId: 'scr_1', scriptName: 'test', version: 1, digest: 'd', alertId: null, runbookRunId: null, tenantId: 'acme', status: 'active',
  approval: { required: false, decidedBy: null, decidedAt: null, decision: null, comment: null }, params: {}, args: [], offline: 'run_on_reconnect',
  expiresAt: 0, concurrency: 1, ratePerSec: 1, createdBy: 'alice', requestedByUserId: 'usr_alice', createdAt: 0, targets: { agentIds: ['agt_1'] }, counts: counts({ queued: 1 }),
};

const run = (state: JobRunProgress['state']): JobRunProgress => ({
  id: 'run_1', jobId: 'job_1', agentId: 'agt_1', state, exitCode: state === 'succeeded' ? 0 : null, signal: null, stdoutTruncated: false, stderrTruncated: false,
  error: null, queuedAt: 0, sentAt: null, startedAt: null, finishedAt: null, durationMs: null,
});

/** A collector stand-in: `onStream` plays the server side of each stream opened; other upgrades answer 404. */
async function fakeCollector(onStream: (socket: WebSocket, request: IncomingMessage) => void): Promise<{ server: Server; url: string; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    seen.push(request);
    if (request.url !== '/api/v1/jobs/job_1/stream') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => onStream(ws, request));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const send = (socket: WebSocket, message: JobStreamMessage) => socket.send(JSON.stringify(message));

describe('following a job over its live stream', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  it('applies the snapshot and every change until the job is over, with the token in the header only', async () => {
    const fake = await fakeCollector((socket) => {
      send(socket, { type: 'job.snapshot', job: { ...summary, runs: [run('queued')] } });
      send(socket, { type: 'run.updated', run: run('running') });
      socket.send('{"type":"something.new"}');
      send(socket, { type: 'run.updated', run: run('succeeded') });
      send(socket, { type: 'job.updated', status: 'finished', counts: counts({ succeeded: 1 }) });
      socket.close(1000, 'job over');
    });
    server = fake.server;
    const states: string[] = [];
    const outcome = await streamJob(new ApiClient(fake.url, 'secret-token'), 'job_1', { deadline: Date.now() + 30_000, onUpdate: (j) => states.push(`${j.status} ${j.runs[0]?.state}`) });
    expect(outcome).toMatchObject({ kind: 'over', job: { status: 'finished', runs: [{ state: 'succeeded' }] } });
    expect(states).toEqual(['active queued', 'active running', 'active succeeded', 'finished succeeded']);
    expect(fake.seen[0]!.headers.authorization).toBe('Bearer secret-token');
    expect(fake.seen[0]!.url).not.toContain('secret-token');
  });

  it('is unavailable when the collector has no stream, or it breaks before the job is over', async () => {
    const noStream = await fakeCollector(() => {});
    server = noStream.server;
    await expect(streamJob(new ApiClient(noStream.url, 't'), 'job_2', { deadline: Date.now() + 30_000, onUpdate: () => {} }))
      .resolves.toEqual({ kind: 'unavailable', job: null, reason: 'the stream answered HTTP 404' });
    noStream.server.closeAllConnections();
    await new Promise((resolve) => noStream.server.close(resolve));

    const breaks = await fakeCollector((socket) => {
      send(socket, { type: 'job.snapshot', job: { ...summary, runs: [run('running')] } });
      socket.terminate();
    });
    server = breaks.server;
    const outcome = await streamJob(new ApiClient(breaks.url, 't'), 'job_1', { deadline: Date.now() + 30_000, onUpdate: () => {} });
    expect(outcome).toMatchObject({ kind: 'unavailable', job: { runs: [{ state: 'running' }] }, reason: expect.stringMatching(/^the stream closed/) });
  });

  it('stops when interrupted, with what it saw', async () => {
    const fake = await fakeCollector((socket) => send(socket, { type: 'job.snapshot', job: { ...summary, runs: [run('running')] } }));
    server = fake.server;
    const interrupt = new AbortController();
    const outcome = await streamJob(new ApiClient(fake.url, 't'), 'job_1', { deadline: Date.now() + 30_000, signal: interrupt.signal, onUpdate: () => interrupt.abort() });
    expect(outcome).toMatchObject({ kind: 'stopped', job: { runs: [{ state: 'running' }] } });
  });
});
