import type { JobResultMessage } from '@vigil/shared';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionRegistry } from '../gateway/connection-registry.js';
import { connectFakeAgent, type FakeAgent } from '../testing/fake-agents.js';
import { seedScript } from '../testing/scripts.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { JobEvents, type RunFinished } from './job-events.js';
import { JobService, type CreateJobRequest } from './job-service.js';

/** Dispatch limits and policies, driven turn by turn on a clock the test moves. */
describe('job dispatching', () => {
  let temp: ReturnType<typeof openTempStore>;
  let registry: ConnectionRegistry;
  let jobs: JobService;
  let now: number;
  let finished: RunFinished[];
  const agentIds = ['agt_1', 'agt_2', 'agt_3', 'agt_4', 'agt_5', 'agt_6'];

  beforeEach(() => {
    temp = openTempStore();
    registry = new ConnectionRegistry();
    for (const id of agentIds) seedAgent(temp.store, id);
    seedScript(temp.store, 'scr_1');
    now = 1_000_000;
    finished = [];
    const events = new JobEvents((err) => { throw err; });
    events.subscribe((event) => finished.push(event));
    jobs = new JobService({ store: temp.store, registry, events, log: pino({ level: 'silent' }), now: () => now });
  });
  afterEach(() => temp.cleanup());

  const connectAll = (ids = agentIds) => ids.map((id) => connectFakeAgent(registry, id));
  const create = (options: Partial<CreateJobRequest> = {}) => jobs.create({ scriptId: 'scr_1', agentIds, createdBy: 'ann', ...options });
  const dispatched = (agents: FakeAgent[]) => agents.flatMap((a) => a.dispatches());
  const result = (runId: string, status: JobResultMessage['status'] = 'succeeded'): JobResultMessage => ({
    type: 'job.result', runId, status, exitCode: status === 'succeeded' ? 0 : 1, signal: null, stdout: 'ok', stderr: '',
    stdoutTruncated: false, stderrTruncated: false, startedAt: now, durationMs: 5,
  });
  const finish = (agents: FakeAgent[], runId: string) => {
    const agent = agents.find((a) => a.dispatches().some((d) => d.runId === runId))!;
    jobs.onResult(agent.connection.agentId, result(runId), now);
  };

  it('sends the signed script version, the checked parameters and the job\'s expiry, addressed to each agent', () => {
    const agents = connectAll(['agt_1']);
    const job = create({ agentIds: ['agt_1'], expiresIn: '1h' });
    jobs.pump();
    const script = temp.store.scripts.get('scr_1')!;
    expect(agents[0]!.dispatches()).toEqual([{
      type: 'job.dispatch', jobId: job.id, runId: job.runs[0]!.id, agentId: 'agt_1', expiresAt: now + 3_600_000,
      script: { manifest: script.manifest, signature: null }, params: {},
    }]);
    expect(temp.store.jobs.getRun(job.runs[0]!.id)).toMatchObject({ state: 'sent', sentAt: now });
  });

  it('never has more than `concurrency` runs sent and unfinished', () => {
    const agents = connectAll();
    const job = create({ concurrency: 2 });
    jobs.pump();
    expect(dispatched(agents)).toHaveLength(2);
    now += 10_000;
    jobs.pump();
    expect(dispatched(agents)).toHaveLength(2);
    finish(agents, dispatched(agents)[0]!.runId);
    jobs.pump();
    expect(dispatched(agents)).toHaveLength(3);
    const sent = temp.store.jobs.runRefs(job.id, ['sent'])[0]!;
    jobs.onStarted(sent.agentId, { type: 'job.started', runId: sent.id, ts: now }, now);
    jobs.pump();
    // Running still counts.
    expect(dispatched(agents)).toHaveLength(3);
    expect(temp.store.jobs.counts(job.id)).toMatchObject({ succeeded: 1, running: 1, sent: 1, queued: 3 });
  });

  it('sends at most `ratePerSec` a second', () => {
    const agents = connectAll();
    create({ ratePerSec: 2 });
    jobs.pump();
    expect(dispatched(agents)).toHaveLength(2);
    now += 400;
    jobs.pump();
    expect(dispatched(agents)).toHaveLength(2);
    now += 100;
    jobs.pump();
    expect(dispatched(agents)).toHaveLength(3);
    now += 5_000;
    jobs.pump();
    expect(dispatched(agents)).toHaveLength(5);
  });

  it('finishes the job when every run is final, and tells the runbook engine of each run', () => {
    const agents = connectAll(['agt_1', 'agt_2']);
    const job = create({ agentIds: ['agt_1', 'agt_2'], runbookRunId: 'rbr_1' });
    jobs.pump();
    for (const d of dispatched(agents)) finish(agents, d.runId);
    expect(temp.store.jobs.getRecord(job.id)?.status).toBe('finished');
    expect(finished.map((e) => [e.agentId, e.state, e.stdout, e.runbookRunId])).toEqual([['agt_1', 'succeeded', 'ok', 'rbr_1'], ['agt_2', 'succeeded', 'ok', 'rbr_1']]);
    // A result repeated changes nothing.
    jobs.onResult('agt_1', result(dispatched(agents)[0]!.runId, 'failed'), now);
    expect(temp.store.jobs.get(job.id)?.counts.succeeded).toBe(2);
    expect(finished).toHaveLength(2);
  });

  it('ignores a result for another agent\'s run', () => {
    const agents = connectAll(['agt_1', 'agt_2']);
    const job = create({ agentIds: ['agt_1', 'agt_2'] });
    jobs.pump();
    jobs.onResult('agt_2', result(agents[0]!.dispatches()[0]!.runId), now);
    expect(temp.store.jobs.counts(job.id)).toMatchObject({ sent: 2, succeeded: 0 });
  });

  describe('agents that are not connected', () => {
    it('run_on_reconnect: sends the run when the agent connects before the expiry', () => {
      const [first] = connectAll(['agt_1']);
      const job = create({ agentIds: ['agt_1', 'agt_2'], offline: 'run_on_reconnect', expiresIn: '1h' });
      jobs.pump();
      expect(first!.dispatches()).toHaveLength(1);
      now += 30 * 60_000;
      const late = connectFakeAgent(registry, 'agt_2');
      jobs.agentConnected('agt_2');
      jobs.pump();
      expect(late.dispatches().map((d) => d.jobId)).toEqual([job.id]);
    });

    it('expire: runs of agents not connected when the job starts expire at once', () => {
      connectAll(['agt_1']);
      const job = create({ agentIds: ['agt_1', 'agt_2', 'agt_3'], offline: 'expire' });
      expect(job.counts).toMatchObject({ queued: 1, expired: 2 });
      expect(job.runs.find((r) => r.agentId === 'agt_2')?.error).toMatch(/not connected when the job started/);
      expect(finished.map((e) => [e.agentId, e.state])).toEqual([['agt_2', 'expired'], ['agt_3', 'expired']]);
      const late = connectFakeAgent(registry, 'agt_2');
      jobs.agentConnected('agt_2');
      jobs.pump();
      expect(late.dispatches()).toEqual([]);
    });

    it('expires what is still queued at the job\'s expiry, and finishes the job', () => {
      const agents = connectAll(['agt_1']);
      const job = create({ agentIds: ['agt_1', 'agt_2'], expiresIn: '10m' });
      jobs.pump();
      finish(agents, agents[0]!.dispatches()[0]!.runId);
      now += 10 * 60_000;
      jobs.pump();
      expect(temp.store.jobs.get(job.id)).toMatchObject({ status: 'finished', counts: { succeeded: 1, expired: 1 } });
      const late = connectFakeAgent(registry, 'agt_2');
      jobs.agentConnected('agt_2');
      jobs.pump();
      expect(late.dispatches()).toEqual([]);
    });

    it('sends a run again to an agent whose connection dropped before it started it', () => {
      const [agent] = connectAll(['agt_1']);
      const job = create({ agentIds: ['agt_1'] });
      jobs.pump();
      agent!.disconnect();
      const again = connectFakeAgent(registry, 'agt_1');
      jobs.agentConnected('agt_1');
      expect(again.dispatches().map((d) => d.runId)).toEqual([job.runs[0]!.id]);
    });

    it('keeps a run queued when its agent left between queueing and sending', () => {
      const [agent] = connectAll(['agt_1']);
      const job = create({ agentIds: ['agt_1'] });
      agent!.disconnect();
      jobs.pump();
      expect(temp.store.jobs.counts(job.id).queued).toBe(1);
      const again = connectFakeAgent(registry, 'agt_1');
      jobs.agentConnected('agt_1');
      jobs.pump();
      expect(again.dispatches()).toHaveLength(1);
    });
  });

  it('picks active jobs up again after a restart, limits included', () => {
    const agents = connectAll();
    const job = create({ concurrency: 2 });
    jobs.pump();
    expect(dispatched(agents)).toHaveLength(2);
    const restarted = new JobService({ store: temp.store, registry, events: new JobEvents(() => {}), log: pino({ level: 'silent' }), now: () => now });
    restarted.start();
    restarted.pump();
    expect(dispatched(agents)).toHaveLength(2);
    const sent = temp.store.jobs.runRefs(job.id, ['sent'])[0]!;
    restarted.onResult(sent.agentId, result(sent.id), now);
    restarted.pump();
    expect(dispatched(agents)).toHaveLength(3);
    restarted.stop();
    expect(temp.store.jobs.counts(job.id)).toMatchObject({ succeeded: 1, sent: 2, queued: 3 });
  });

  it('stores reports that arrived together in one go, skipping another agent\'s and unknown runs, then sends what the freed slots allow', () => {
    const agents = connectAll(['agt_1', 'agt_2', 'agt_3']);
    create({ agentIds: ['agt_1', 'agt_2', 'agt_3'], concurrency: 2 });
    jobs.pump();
    const [first, second] = dispatched(agents);
    jobs.recordReports([
      { agentId: first!.agentId, message: { type: 'job.started', runId: first!.runId, ts: now }, now },
      { agentId: first!.agentId, message: result(first!.runId), now },
      // Claims a run that is another agent's, and one that does not exist: both change nothing.
      { agentId: 'agt_3', message: result(second!.runId), now },
      { agentId: 'agt_1', message: result('run_nope'), now },
      { agentId: second!.agentId, message: result(second!.runId, 'failed'), now },
    ]);
    expect(finished.map((f) => [f.runId, f.state])).toEqual([[first!.runId, 'succeeded'], [second!.runId, 'failed']]);
    jobs.pump();
    expect(agents[2]!.dispatches()).toHaveLength(1);
  });
});
