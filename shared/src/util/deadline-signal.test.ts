import { describe, expect, it } from 'vitest';
import { deadlineSignal } from './deadline-signal.js';

describe('deadlineSignal', () => {
  it('aborts with a TimeoutError after the deadline, even when nothing else references it', async () => {
    const { signal } = deadlineSignal(20);
    // Force a collection where the runtime exposes one: a weakly held timeout would be lost here.
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    expect((signal.reason as Error).name).toBe('TimeoutError');
  });

  it('follows its parent, with the parent\'s reason, and is not aborted again by the timer', async () => {
    const parent = new AbortController();
    const d = deadlineSignal(30, parent.signal);
    parent.abort(new Error('shutting down'));
    expect(d.signal.aborted).toBe(true);
    expect((d.signal.reason as Error).message).toBe('shutting down');
    await new Promise((r) => setTimeout(r, 50));
    expect((d.signal.reason as Error).message).toBe('shutting down');
  });

  it('is aborted at once by an already aborted parent, and dispose() stops the timer', async () => {
    const parent = AbortSignal.abort(new Error('gone'));
    expect(deadlineSignal(1000, parent).signal.aborted).toBe(true);
    const d = deadlineSignal(10);
    d.dispose();
    await new Promise((r) => setTimeout(r, 30));
    expect(d.signal.aborted).toBe(false);
  });
});
