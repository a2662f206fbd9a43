import { describe, expect, it } from 'vitest';
import type { Frame } from '@vigil/shared';
import { MemoryFrameQueue } from './frame-queue.js';
import { JobOutbox, type JobMessage } from './job-outbox.js';
import { agentSocketUrl } from './url.js';

const frame = (seq: number): Frame => ({ type: 'frame', seq, ts: 0, samples: [], sources: [] });
const seqs = (frames: Frame[]) => frames.map((f) => f.seq);

describe('MemoryFrameQueue', () => {
  it('drops the oldest frame when full and counts it', () => {
    const queue = new MemoryFrameQueue(3);
    for (let seq = 1; seq <= 5; seq++) queue.push(frame(seq));
    expect(queue.size).toBe(3);
    expect(queue.dropped).toBe(2);
    expect(seqs(queue.after(0, 10))).toEqual([3, 4, 5]);
  });

  it('removes acknowledged frames wherever they are', () => {
    const queue = new MemoryFrameQueue();
    for (let seq = 1; seq <= 4; seq++) queue.push(frame(seq));
    expect(queue.ack(3)).toBe(true);
    expect(queue.ack(3)).toBe(false);
    expect(queue.ack(99)).toBe(false);
    expect(seqs(queue.after(0, 10))).toEqual([1, 2, 4]);
  });

  it('drops a frame that can never be delivered and counts it', () => {
    const queue = new MemoryFrameQueue();
    for (let seq = 1; seq <= 3; seq++) queue.push(frame(seq));
    expect(queue.drop(2)).toBe(true);
    expect(queue.drop(2)).toBe(false);
    expect(queue.dropped).toBe(1);
    expect(seqs(queue.after(0, 10))).toEqual([1, 3]);
  });

  it('pages frames after a seq and discards those already stored', () => {
    const queue = new MemoryFrameQueue();
    for (let seq = 1; seq <= 6; seq++) queue.push(frame(seq));
    expect(seqs(queue.after(2, 2))).toEqual([3, 4]);
    expect(queue.discardThrough(4)).toBe(4);
    expect(seqs(queue.after(0, 10))).toEqual([5, 6]);
    expect(queue.size).toBe(2);
  });

  it('renumbers the held frames in order and reports their previous seqs', () => {
    const queue = new MemoryFrameQueue();
    for (let seq = 1; seq <= 4; seq++) queue.push(frame(seq));
    queue.ack(2);
    expect(queue.renumber(20)).toEqual([1, 3, 4]);
    expect(seqs(queue.after(0, 10))).toEqual([20, 21, 22]);
    expect(queue.newestSeq).toBe(22);
    expect(() => queue.push(frame(22))).toThrow(/not above/);
  });

  it('refuses a frame whose seq does not increase', () => {
    const queue = new MemoryFrameQueue();
    queue.push(frame(2));
    expect(() => queue.push(frame(2))).toThrow(/not above/);
  });
});

describe('JobOutbox', () => {
  const started = (runId: string): JobMessage => ({ type: 'job.started', runId, ts: 0 });

  it('keeps messages the socket did not take, in their original order', () => {
    const outbox = new JobOutbox();
    for (const id of ['a', 'b', 'c']) outbox.push(started(id));
    const sent: string[] = [];
    // Only 'b' gets through, as if the socket closed around the others.
    outbox.flush((message, done) => {
      if (message.runId !== 'b') return done(false);
      sent.push('b');
      done(true);
    }, () => {});
    expect(sent).toEqual(['b']);
    const order: string[] = [];
    outbox.flush((message, done) => {
      order.push(message.runId);
      done(true);
    }, () => {});
    expect(order).toEqual(['a', 'c']);
    expect(outbox.size).toBe(0);
  });

  it('sheds job.started before results when full', () => {
    const outbox = new JobOutbox(2);
    outbox.push(started('a'));
    outbox.push({ type: 'job.result', runId: 'a', status: 'succeeded', exitCode: 0, signal: null, stdout: '', stderr: '', stdoutTruncated: false, stderrTruncated: false, startedAt: 0, durationMs: 1 });
    outbox.push(started('b'));
    expect(outbox.dropped).toBe(1);
    expect(outbox.pendingResults).toBe(1);
  });
});

describe('agentSocketUrl', () => {
  it('maps http(s) to ws(s) and appends /agent', () => {
    expect(agentSocketUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/agent');
    expect(agentSocketUrl('https://rmm.example.com/')).toBe('wss://rmm.example.com/agent');
    expect(agentSocketUrl('https://example.com/vigil?x=1')).toBe('wss://example.com/vigil/agent');
  });

  it('rejects other schemes', () => {
    expect(() => agentSocketUrl('ftp://example.com')).toThrow(/unsupported/);
  });
});
