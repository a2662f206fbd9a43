import { describe, expect, it } from 'vitest';
import { isCancellable, isFinalRunState, jobStatusTone, runStateTone } from './run-states.js';

describe('run and job states', () => {
  it('knows which run states are final', () => {
    expect(['queued', 'sent', 'running'].map((s) => isFinalRunState(s as 'queued'))).toEqual([false, false, false]);
    expect(isFinalRunState('expired')).toBe(true);
  });

  it('shades runs by outcome', () => {
    expect(runStateTone('succeeded')).toBe('ok');
    expect(runStateTone('timed_out')).toBe('bad');
    expect(runStateTone('cancelled')).toBe('warn');
    expect(runStateTone('running')).toBe('neutral');
  });

  it('shades a finished job by whether any run failed', () => {
    expect(jobStatusTone('finished', { succeeded: 4 })).toBe('ok');
    expect(jobStatusTone('finished', { succeeded: 3, error: 1 })).toBe('bad');
    expect(jobStatusTone('awaiting_approval', {})).toBe('warn');
    expect(jobStatusTone('rejected', {})).toBe('bad');
    expect(jobStatusTone('active', { failed: 1 })).toBe('neutral');
  });

  it('offers cancelling only while something can still be stopped', () => {
    expect(isCancellable('active')).toBe(true);
    expect(isCancellable('awaiting_approval')).toBe(true);
    expect(isCancellable('finished')).toBe(false);
    expect(isCancellable('rejected')).toBe(false);
  });
});
