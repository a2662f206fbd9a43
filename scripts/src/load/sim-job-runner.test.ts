import { JobDispatchSchema, type AgentMessage, type JobDispatchMessage } from '@vigil/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunStats } from './run-stats.js';
import { SimJobRunner, type JobAnswerer } from './sim-job-runner.js';

class FakeAgent implements JobAnswerer {
  readonly sent: AgentMessage[] = [];
  usable = true;
  constructor(readonly agentId: string) {}
  send(message: AgentMessage): boolean {
    if (!this.usable) return false;
    this.sent.push(message);
    return true;
  }
  get types(): string[] {
    return this.sent.map((m) => (m.type === 'job.result' ? `result:${m.status}` : m.type));
  }
}

function dispatch(runId: string, agentId: string, expiresAt = Date.now() + 60_000): JobDispatchMessage {
  return JobDispatchSchema.parse({
    type: 'job.dispatch', jobId: 'job-1', runId, agentId, expiresAt,
    script: { manifest: { kind: 'vigil.script', name: 'check', version: 1, shell: 'sh', body: 'echo ok' }, signature: null },
  });
}

describe('SimJobRunner', () => {
  let clock = 0;
  let stats: RunStats;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 0;
    stats = new RunStats(() => {});
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers started at once and succeeded after the runtime, and times the arrival', () => {
    const runner = new SimJobRunner(500, stats, () => clock);
    const agent = new FakeAgent('agt-1');
    clock = 42;
    runner.onDispatch(agent, dispatch('run-1', 'agt-1'));
    expect(agent.types).toEqual(['job.started']);
    expect(runner.receipts.get('run-1')).toEqual({ jobId: 'job-1', agentId: 'agt-1', receivedAt: 42 });
    vi.advanceTimersByTime(499);
    expect(agent.types).toEqual(['job.started']);
    vi.advanceTimersByTime(1);
    expect(agent.types).toEqual(['job.started', 'result:succeeded']);
    const result = agent.sent[1]!;
    expect(result).toMatchObject({ runId: 'run-1', exitCode: 0, signal: null, stdout: 'ok\n', stderr: '', durationMs: 500 });
    expect(runner.resultsSent).toBe(1);
    expect(stats.errors).toBe(0);
  });

  it('ignores a repeated dispatch of a running run and answers one of a finished run with the same result', () => {
    const runner = new SimJobRunner(100, stats, () => clock);
    const agent = new FakeAgent('agt-1');
    runner.onDispatch(agent, dispatch('run-1', 'agt-1'));
    clock = 50;
    runner.onDispatch(agent, dispatch('run-1', 'agt-1'));
    expect(agent.types).toEqual(['job.started']);
    vi.advanceTimersByTime(100);
    runner.onDispatch(agent, dispatch('run-1', 'agt-1'));
    expect(agent.types).toEqual(['job.started', 'result:succeeded', 'result:succeeded']);
    expect(agent.sent[2]).toEqual(agent.sent[1]);
    expect(runner.repeatedDispatches).toBe(2);
    // The first arrival is the one timed.
    expect(runner.receipts.get('run-1')!.receivedAt).toBe(0);
    expect(runner.resultsSent).toBe(1);
  });

  it('rejects a dispatch addressed to another agent, or one that expired on the way, without starting it', () => {
    const runner = new SimJobRunner(0, stats);
    const agent = new FakeAgent('agt-1');
    runner.onDispatch(agent, dispatch('run-1', 'agt-2'));
    runner.onDispatch(agent, dispatch('run-2', 'agt-1', Date.now() - 1));
    expect(agent.types).toEqual(['result:rejected', 'result:rejected']);
    expect(stats.errorsByKind()).toEqual({ misaddressed_dispatch: 1, expired_dispatch: 1 });
  });

  it('answers a cancelled run failed and sends no late success', () => {
    const runner = new SimJobRunner(1000, stats);
    const agent = new FakeAgent('agt-1');
    runner.onDispatch(agent, dispatch('run-1', 'agt-1'));
    runner.onCancel({ type: 'job.cancel', runId: 'run-1' });
    runner.onCancel({ type: 'job.cancel', runId: 'unknown' });
    vi.advanceTimersByTime(2000);
    expect(agent.types).toEqual(['job.started', 'result:failed']);
    expect(runner.cancelled).toBe(1);
    expect(runner.inProgress).toBe(0);
  });

  it('drops pending results once stopped, and counts answers a closed connection could not take', () => {
    const runner = new SimJobRunner(100, stats);
    const open = new FakeAgent('agt-1');
    const closed = new FakeAgent('agt-2');
    closed.usable = false;
    runner.onDispatch(open, dispatch('run-1', 'agt-1'));
    runner.onDispatch(closed, dispatch('run-2', 'agt-2'));
    expect(stats.errorsByKind()).toEqual({ job_answer_lost: 1 });
    runner.stop();
    vi.advanceTimersByTime(1000);
    expect(open.types).toEqual(['job.started']);
    expect(runner.resultsSent).toBe(0);
  });
});
