import { describe, expect, it } from 'vitest';
import { DeliveryTracker } from './delivery-tracker.js';

describe('DeliveryTracker', () => {
  it('runs a frame\'s hooks once, when that frame is acknowledged', () => {
    const ran: string[] = [];
    const tracker = new DeliveryTracker();
    tracker.track(1, [() => ran.push('a1'), () => ran.push('b1')]);
    tracker.track(2, [() => ran.push('a2')]);
    tracker.acked(2);
    expect(ran).toEqual(['a2']);
    tracker.acked(2);
    tracker.acked(1);
    expect(ran).toEqual(['a2', 'a1', 'b1']);
    expect(tracker.pending).toBe(0);
  });

  it('never runs the hooks of a frame it is told to forget, even if a welcome covers its seq later', () => {
    const ran: number[] = [];
    const tracker = new DeliveryTracker();
    for (const seq of [1, 2, 3]) tracker.track(seq, [() => ran.push(seq)]);
    tracker.forget(2);
    tracker.storedThrough(3);
    expect(ran).toEqual([1, 3]);
    expect(tracker.pending).toBe(0);
  });

  it('runs everything the collector already stored, in seq order', () => {
    const ran: number[] = [];
    const tracker = new DeliveryTracker();
    for (const seq of [3, 1, 2, 4]) tracker.track(seq, [() => ran.push(seq)]);
    tracker.storedThrough(3);
    expect(ran).toEqual([1, 2, 3]);
    expect(tracker.pending).toBe(1);
  });

  it('follows renumbered frames, forgets dropped ones, and isolates a failing hook', () => {
    const ran: string[] = [];
    const errors: unknown[] = [];
    const tracker = new DeliveryTracker((e) => errors.push(e));
    tracker.track(5, [() => { throw new Error('disk full'); }, () => ran.push('after-failure')]);
    tracker.track(6, [() => ran.push('six')]);
    tracker.renumbered(6, 106);
    tracker.acked(6);
    expect(ran).toEqual([]);
    tracker.acked(106);
    tracker.acked(5);
    expect(ran).toEqual(['six', 'after-failure']);
    expect(errors).toHaveLength(1);
    tracker.track(7, [() => ran.push('seven')]);
    tracker.forgetBelow(8);
    tracker.acked(7);
    expect(ran).toEqual(['six', 'after-failure']);
  });

  it('runs the hooks of a frame that is already safe at once, isolating failures', () => {
    const ran: string[] = [];
    const errors: unknown[] = [];
    const tracker = new DeliveryTracker((e) => errors.push(e));
    tracker.deliveredNow([() => { throw new Error('disk full'); }, () => ran.push('second')]);
    expect(ran).toEqual(['second']);
    expect(errors).toHaveLength(1);
    expect(tracker.pending).toBe(0);
  });
});
