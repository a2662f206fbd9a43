/**
 * Live script output end to end: a real agent runs a script that prints a line, sleeps, and
 * prints another; the job stream carries the first line while the run is still running, a
 * watcher who connects mid-run is sent what was printed before, and the stored output at the end
 * is what the chunks added up to.
 */
import type { JobStreamMessage } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

type RunOutput = Extract<JobStreamMessage, { type: 'run.output' }>;

interface Watcher { socket: WebSocket; received: JobStreamMessage[]; closed: Promise<number> }

const isFinal = (m: JobStreamMessage) => m.type === 'run.updated' && !['queued', 'sent', 'running'].includes(m.run.state);
const outputs = (w: Watcher) => w.received.filter((m): m is RunOutput => m.type === 'run.output');
const stdoutOf = (w: Watcher) => outputs(w).filter((m) => m.stream === 'stdout').map((m) => m.data).join('');

describe('live script output from a real agent', () => {
  const tmp = makeTempDir('job-live-output');
  let collector: TestCollector;
  let agent: Child;
  let agentId: string;
  const sockets: WebSocket[] = [];

  function watch(jobId: string): Watcher {
    const socket = new WebSocket(`${collector.wsUrl}/api/v1/jobs/${jobId}/stream?token=${collector.adminToken}`);
    sockets.push(socket);
    const received: JobStreamMessage[] = [];
    socket.on('message', (data) => received.push(JSON.parse(data.toString()) as JobStreamMessage));
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    return { socket, received, closed };
  }

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
    const token = await collector.enrollToken('acme', 'hq', ['--max-uses', '1']);
    agentId = await enrollAgent(collector.url, token, `${tmp.path}/agent`);
    // Development mode: the agent runs the unsigned scripts a loopback collector sends.
    agent = runAgent(`${tmp.path}/agent`, '1s', { allowUnsigned: true });
    await waitFor('the agent online', async () => {
      const { body } = await collector.api('GET', `/api/v1/agents/${agentId}`);
      return body.presence === 'online' ? body : undefined;
    }, 30_000);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('streams the first line while the run runs, replays it to a late watcher, and ends with the stored output', async () => {
    const script = await collector.api('POST', '/api/v1/scripts', {
      name: 'Slow diagnostic', shell: 'sh', body: 'echo first-line\necho to-stderr >&2\nsleep 3\necho second-line\n', os: ['linux'],
    });
    expect(script.status, JSON.stringify(script.body)).toBe(201);
    const job = await collector.api('POST', '/api/v1/jobs', { scriptId: script.body.id, agentIds: [agentId] });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    const early = watch(job.body.id);

    // The first line comes while the script still sleeps: before the run's final state, without the second line.
    await waitFor('the first line on the stream', () => stdoutOf(early).includes('first-line\n') || undefined, 30_000);
    expect(early.received.some(isFinal)).toBe(false);
    expect(stdoutOf(early)).not.toContain('second-line');
    expect(outputs(early)[0]).toMatchObject({ type: 'run.output', agentId, offset: 0 });

    // A watcher who comes now gets the snapshot (the run running), then what was printed so far.
    const late = watch(job.body.id);
    await waitFor('the late watcher\'s replay', () => (outputs(late).length > 0 ? true : undefined), 10_000);
    expect(late.received[0]).toMatchObject({ type: 'job.snapshot', job: { runs: [{ agentId, state: 'running' }] } });
    const replayed = late.received.slice(1, 1 + outputs(late).length);
    expect(replayed.every((m) => m.type === 'run.output')).toBe(true);
    expect(outputs(late)[0]).toMatchObject({ stream: 'stdout', offset: 0, data: expect.stringMatching(/^first-line\n/) });
    expect(outputs(late).some((m) => m.stream === 'stderr' && m.data === 'to-stderr\n')).toBe(true);

    expect(await early.closed).toBe(1000);
    expect(await late.closed).toBe(1000);
    // Both saw the second line before the run's final state, in chunks that continue one another.
    for (const watcher of [early, late]) {
      const final = watcher.received.findIndex(isFinal);
      const second = watcher.received.findIndex((m) => m.type === 'run.output' && m.data.includes('second-line'));
      expect(second).toBeGreaterThan(0);
      expect(second).toBeLessThan(final);
      let offset = 0;
      for (const chunk of outputs(watcher).filter((m) => m.stream === 'stdout')) {
        expect(chunk.offset).toBe(offset);
        offset += Buffer.byteLength(chunk.data);
      }
      expect(stdoutOf(watcher)).toBe('first-line\nsecond-line\n');
    }
    const runs = await collector.api('GET', `/api/v1/jobs/${job.body.id}/runs`);
    expect(runs.body.runs[0]).toMatchObject({ state: 'succeeded', exitCode: 0, stdout: 'first-line\nsecond-line\n', stderr: 'to-stderr\n' });
  });
});
