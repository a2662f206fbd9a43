import { describe, expect, it } from 'vitest';
import { describeProgress, progressOf } from './progress.js';

describe('progressOf', () => {
  it('stacks the non-empty states in the order runs live through them', () => {
    const progress = progressOf({ failed: 1, queued: 2, succeeded: 5, running: 2, cancelled: 0 });
    expect(progress.segments.map((s) => s.state)).toEqual(['queued', 'running', 'succeeded', 'failed']);
    expect(progress).toMatchObject({ total: 10, done: 6, succeeded: 5, failed: 1 });
    expect(progress.segments.map((s) => s.percent)).toEqual([20, 20, 50, 10]);
  });

  it('counts every kind of failure, and treats expired and cancelled runs as done', () => {
    const progress = progressOf({ timed_out: 1, error: 1, rejected: 1, expired: 2, cancelled: 3 });
    expect(progress).toMatchObject({ total: 8, done: 8, succeeded: 0, failed: 3 });
  });

  it('has no segments and no division by zero without runs', () => {
    expect(progressOf({})).toEqual({ total: 0, done: 0, succeeded: 0, failed: 0, segments: [] });
    expect(describeProgress(progressOf({}))).toBe('no runs');
  });

  it('reads the bar out in words', () => {
    expect(describeProgress(progressOf({ succeeded: 3, timed_out: 1, sent: 2 }))).toBe('2 sent, 3 succeeded, 1 timed out');
  });
});
