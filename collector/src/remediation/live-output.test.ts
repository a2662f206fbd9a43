import type { JobOutputMessage } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { LiveOutput, type LiveOutputLimits, type RunOutputMessage, type RunOwner } from './live-output.js';

const quiet = { debug: () => {}, error: () => {} };

function world(limits?: LiveOutputLimits) {
  const runs = new Map<string, RunOwner>([
    ['run_a', { jobId: 'job_1', agentId: 'agt_a', state: 'running' }],
    ['run_b', { jobId: 'job_1', agentId: 'agt_b', state: 'sent' }],
    ['run_c', { jobId: 'job_2', agentId: 'agt_a', state: 'running' }],
    ['run_done', { jobId: 'job_1', agentId: 'agt_a', state: 'succeeded' }],
    ['run_queued', { jobId: 'job_1', agentId: 'agt_a', state: 'queued' }],
  ]);
  let lookups = 0;
  const live = new LiveOutput((runId) => {
    lookups++;
    return runs.get(runId);
  }, quiet, limits);
  const heard: RunOutputMessage[] = [];
  live.subscribe('job_1', (message) => heard.push(message));
  return { live, runs, heard, lookups: () => lookups };
}

const chunk = (runId: string, offset: number, data: string, stream: 'stdout' | 'stderr' = 'stdout'): JobOutputMessage =>
  ({ type: 'job.output', runId, stream, offset, data });

describe('live output kept by the collector', () => {
  it('keeps a running run\'s chunks in order and relays each to the job\'s watchers', () => {
    const { live, heard } = world();
    expect(live.accept('agt_a', chunk('run_a', 0, 'first\n'))).toBe('kept');
    expect(live.accept('agt_a', chunk('run_a', 0, 'oops\n', 'stderr'))).toBe('kept');
    expect(live.accept('agt_a', chunk('run_a', 6, 'second\n'))).toBe('kept');
    // A run sent but whose job.started is still on its way is the agent's too.
    expect(live.accept('agt_b', chunk('run_b', 0, 'b\n'))).toBe('kept');
    expect(heard.map(({ runId, stream, offset, data }) => [runId, stream, offset, data])).toEqual([
      ['run_a', 'stdout', 0, 'first\n'], ['run_a', 'stderr', 0, 'oops\n'], ['run_a', 'stdout', 6, 'second\n'], ['run_b', 'stdout', 0, 'b\n'],
    ]);
    expect(heard[0]).toMatchObject({ type: 'run.output', agentId: 'agt_a' });
    // Another job's output is not this job's watchers' business.
    live.accept('agt_a', chunk('run_c', 0, 'elsewhere\n'));
    expect(heard).toHaveLength(4);
  });

  it('replays what is kept to a new watcher, one message per stream of a run', () => {
    const { live } = world();
    live.accept('agt_a', chunk('run_a', 0, 'one\n'));
    live.accept('agt_a', chunk('run_a', 4, 'two\n'));
    live.accept('agt_a', chunk('run_a', 0, 'err\n', 'stderr'));
    live.accept('agt_b', chunk('run_b', 0, 'b\n'));
    expect(live.replay('job_1')).toEqual([
      { type: 'run.output', runId: 'run_a', agentId: 'agt_a', stream: 'stdout', offset: 0, data: 'one\ntwo\n' },
      { type: 'run.output', runId: 'run_a', agentId: 'agt_a', stream: 'stderr', offset: 0, data: 'err\n' },
      { type: 'run.output', runId: 'run_b', agentId: 'agt_b', stream: 'stdout', offset: 0, data: 'b\n' },
    ]);
    expect(live.replay('job_2')).toEqual([]);
    // After a replay the run goes on where it was.
    expect(live.accept('agt_a', chunk('run_a', 8, 'three\n'))).toBe('kept');
    expect(live.replay('job_1')[0]!.data).toBe('one\ntwo\nthree\n');
  });

  it('lets no agent write into another agent\'s run, an unknown one, or one not out on it', () => {
    const { live, heard } = world();
    expect(live.accept('agt_b', chunk('run_a', 0, 'not mine\n'))).toBe('not_yours');
    expect(live.accept('agt_a', chunk('run_nope', 0, 'x'))).toBe('not_yours');
    expect(live.accept('agt_a', chunk('run_done', 0, 'late\n'))).toBe('not_running');
    expect(live.accept('agt_a', chunk('run_queued', 0, 'early\n'))).toBe('not_running');
    // Once the run has output kept, another agent still cannot add to it.
    live.accept('agt_a', chunk('run_a', 0, 'mine\n'));
    expect(live.accept('agt_b', chunk('run_a', 5, 'not mine\n'))).toBe('not_yours');
    expect(heard.map((m) => m.data)).toEqual(['mine\n']);
    expect(live.size).toBe(1);
  });

  it('drops a chunk that does not continue what is kept: a gap, a repeat, or a run first heard of mid-stream', () => {
    const { live, heard, lookups } = world();
    expect(live.accept('agt_a', chunk('run_a', 10, 'mid-stream\n'))).toBe('gap');
    // Nothing to place it after, so the run is not even looked up.
    expect(lookups()).toBe(0);
    live.accept('agt_a', chunk('run_a', 0, 'abc'));
    expect(live.accept('agt_a', chunk('run_a', 0, 'abc'))).toBe('gap');
    expect(live.accept('agt_a', chunk('run_a', 5, 'skipped two'))).toBe('gap');
    expect(live.accept('agt_a', chunk('run_a', 3, 'def'))).toBe('kept');
    expect(heard.map((m) => m.data)).toEqual(['abc', 'def']);
    // Offsets count UTF-8 bytes, not characters.
    live.accept('agt_a', chunk('run_a', 6, '€'));
    expect(live.accept('agt_a', chunk('run_a', 7, 'x'))).toBe('gap');
    expect(live.accept('agt_a', chunk('run_a', 9, 'x'))).toBe('kept');
    expect(lookups()).toBe(1);
  });

  it('caps each stream of a run and all runs together', () => {
    const { live } = world({ perStreamBytes: 10, totalBytes: 16 });
    expect(live.accept('agt_a', chunk('run_a', 0, '12345678'))).toBe('kept');
    expect(live.accept('agt_a', chunk('run_a', 8, '9ab'))).toBe('over_run_cap');
    expect(live.accept('agt_a', chunk('run_a', 8, '9a'))).toBe('kept');
    expect(live.accept('agt_a', chunk('run_a', 0, 'err', 'stderr'))).toBe('kept');
    expect(live.bytes).toBe(13);
    expect(live.accept('agt_b', chunk('run_b', 0, 'four'))).toBe('over_total_cap');
    // A run refused at its first chunk is not kept at all.
    expect(live.size).toBe(1);
    live.runEnded('agt_a', 'run_a');
    expect(live.bytes).toBe(0);
    expect(live.accept('agt_b', chunk('run_b', 0, 'four'))).toBe('kept');
  });

  it('lets a run\'s output go when its result is stored or its agent disconnects, and only for its own agent', () => {
    const { live, runs } = world();
    live.accept('agt_a', chunk('run_a', 0, 'a\n'));
    live.accept('agt_a', chunk('run_c', 0, 'c\n'));
    live.accept('agt_b', chunk('run_b', 0, 'b\n'));
    live.runEnded('agt_b', 'run_a');
    expect(live.size).toBe(3);
    live.runEnded('agt_a', 'run_a');
    runs.set('run_a', { jobId: 'job_1', agentId: 'agt_a', state: 'succeeded' });
    expect(live.replay('job_1').map((m) => m.runId)).toEqual(['run_b']);
    // The stored result is final: chunks that straggle in after it are not taken up again.
    expect(live.accept('agt_a', chunk('run_a', 0, 'a\n'))).toBe('not_running');
    expect(live.accept('agt_a', chunk('run_a', 2, 'more\n'))).toBe('gap');

    live.agentGone('agt_a');
    expect(live.replay('job_2')).toEqual([]);
    expect(live.size).toBe(1);
    // What the agent sends after reconnecting cannot continue what was let go.
    expect(live.accept('agt_a', chunk('run_c', 2, 'after the reconnect\n'))).toBe('gap');
    expect(live.bytes).toBe(2);
  });

  it('stops relaying to a watcher who left, and survives a watcher that throws', () => {
    const errors: unknown[] = [];
    const live = new LiveOutput(() => ({ jobId: 'job_1', agentId: 'agt_a', state: 'running' }), { debug: () => {}, error: (fields: unknown) => errors.push(fields) });
    const heard: string[] = [];
    live.subscribe('job_1', () => {
      throw new Error('broken watcher');
    });
    const leave = live.subscribe('job_1', (m) => heard.push(m.data));
    live.accept('agt_a', chunk('run_a', 0, 'one'));
    leave();
    live.accept('agt_a', chunk('run_a', 3, 'two'));
    expect(heard).toEqual(['one']);
    expect(errors).toHaveLength(2);
  });
});
