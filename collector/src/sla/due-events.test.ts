import { describe, expect, it } from 'vitest';
import { applyClockEvents, dueClockEvents, nextClockAt } from './due-events.js';
import { DEFAULT_COMPILED_SLA_POLICY as policy, type CompiledSlaPolicy } from './policy.js';
import type { ClockedAlert } from './types.js';

const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

/** A P1 alert opened at T0 under the default policy: respond by 15 min, resolve by 4 h; L2 2 h, L3 3 h, L4 4 h. */
const p1 = (over: Partial<ClockedAlert> = {}): ClockedAlert => ({
  priority: 'P1', state: 'open', openedAt: T0, acknowledgedAt: null, resolvedAt: null, maintenanceWindowId: null,
  respondBy: T0 + 15 * MIN, resolveBy: T0 + 4 * H, respondBreachedAt: null, resolveBreachedAt: null,
  escalationLevel: 1, escalatedAt: null, slaStartedAt: null, ackLapsedAt: null, clocksPausedAt: null, ...over,
});
const acked = (at = T0 + MIN) => p1({ state: 'acknowledged', acknowledgedAt: at });

describe('dueClockEvents', () => {
  it('breaches the response clock at exactly respondBy when nobody acknowledged, and escalates to L2 with it', () => {
    expect(dueClockEvents(p1(), policy, T0 + 15 * MIN - 1)).toEqual([]);
    expect(dueClockEvents(p1(), policy, T0 + 15 * MIN)).toEqual([
      { kind: 'breach', clock: 'respond', at: T0 + 15 * MIN },
      { kind: 'escalate', level: 2, at: T0 + 15 * MIN, reason: 'respond breach' },
    ]);
  });

  it('records the breach at its instant however late it is looked at', () => {
    expect(dueClockEvents(p1(), policy, T0 + 90 * MIN)).toEqual([
      { kind: 'breach', clock: 'respond', at: T0 + 15 * MIN },
      { kind: 'escalate', level: 2, at: T0 + 15 * MIN, reason: 'respond breach' },
    ]);
  });

  it('stops the response clock at an acknowledgement strictly before respondBy, not at one at or after it', () => {
    expect(dueClockEvents(acked(T0 + 15 * MIN - 1), policy, T0 + H)).toEqual([]);
    expect(dueClockEvents(acked(T0 + 15 * MIN), policy, T0 + H).filter((e) => e.kind === 'breach')).toEqual([{ kind: 'breach', clock: 'respond', at: T0 + 15 * MIN }]);
    // Acknowledged late but before the clock looked: still a breach, at respondBy.
    expect(dueClockEvents(acked(T0 + 20 * MIN), policy, T0 + 21 * MIN)[0]).toEqual({ kind: 'breach', clock: 'respond', at: T0 + 15 * MIN });
  });

  it('counts a resolution as the response, and breaches the resolution clock only when resolved at or after resolveBy', () => {
    const resolvedEarly = p1({ state: 'resolved', resolvedAt: T0 + 10 * MIN });
    expect(dueClockEvents(resolvedEarly, policy, T0 + 5 * H)).toEqual([]);
    const resolvedLate = p1({ state: 'resolved', acknowledgedAt: T0 + MIN, resolvedAt: T0 + 4 * H + 300, escalationLevel: 3, escalatedAt: T0 + 3 * H });
    // The breach it owes is recorded; a resolved alert no longer escalates (no L4).
    expect(dueClockEvents(resolvedLate, policy, T0 + 4 * H + 1000)).toEqual([{ kind: 'breach', clock: 'resolve', at: T0 + 4 * H }]);
  });

  it('escalates an answered alert by elapsed time, at each step\'s instant', () => {
    expect(dueClockEvents(acked(), policy, T0 + 2 * H - 1)).toEqual([]);
    expect(dueClockEvents(acked(), policy, T0 + 2 * H)).toEqual([{ kind: 'escalate', level: 2, at: T0 + 2 * H, reason: 'elapsed' }]);
    const atL2 = acked();
    atL2.escalationLevel = 2;
    atL2.escalatedAt = T0 + 2 * H;
    expect(dueClockEvents(atL2, policy, T0 + 3 * H)).toEqual([{ kind: 'escalate', level: 3, at: T0 + 3 * H, reason: 'elapsed' }]);
    // At 4 h the resolution breach (→ L3) and the L4 step coincide: one jump to L4.
    expect(dueClockEvents({ ...atL2, escalationLevel: 3, escalatedAt: T0 + 3 * H }, policy, T0 + 4 * H)).toEqual([
      { kind: 'breach', clock: 'resolve', at: T0 + 4 * H },
      { kind: 'escalate', level: 4, at: T0 + 4 * H, reason: 'elapsed' },
    ]);
  });

  it('catches up on everything missed, in time order, skipping steps a breach already passed', () => {
    expect(dueClockEvents(p1(), policy, T0 + 5 * H)).toEqual([
      { kind: 'breach', clock: 'respond', at: T0 + 15 * MIN },
      { kind: 'escalate', level: 2, at: T0 + 15 * MIN, reason: 'respond breach' },
      { kind: 'escalate', level: 3, at: T0 + 3 * H, reason: 'elapsed' },
      { kind: 'breach', clock: 'resolve', at: T0 + 4 * H },
      { kind: 'escalate', level: 4, at: T0 + 4 * H, reason: 'elapsed' },
    ]);
  });

  it('raises the level at least to the configured one on a breach, jumping levels if need be', () => {
    const strict: CompiledSlaPolicy = { ...policy, escalateOnBreach: { respond: 3, resolve: 4 } };
    expect(dueClockEvents(p1(), strict, T0 + 15 * MIN)).toEqual([
      { kind: 'breach', clock: 'respond', at: T0 + 15 * MIN },
      { kind: 'escalate', level: 3, at: T0 + 15 * MIN, reason: 'respond breach' },
    ]);
    // resolve: 4 — the resolution breach (4 h) coincides with the default L4 step: one raise to L4, at 4 h.
    const atL2 = acked();
    Object.assign(atL2, { escalationLevel: 2, escalatedAt: T0 + 2 * H });
    expect(dueClockEvents(atL2, strict, T0 + 4 * H)).toEqual([
      { kind: 'escalate', level: 3, at: T0 + 3 * H, reason: 'elapsed' },
      { kind: 'breach', clock: 'resolve', at: T0 + 4 * H },
      { kind: 'escalate', level: 4, at: T0 + 4 * H, reason: 'elapsed' },
    ]);
    const lenient: CompiledSlaPolicy = { ...policy, escalateOnBreach: { respond: 1, resolve: 1 } };
    expect(dueClockEvents(p1(), lenient, T0 + 15 * MIN)).toEqual([{ kind: 'breach', clock: 'respond', at: T0 + 15 * MIN }]);
  });

  it('raises the level on a resolution breach on its own, away from any time step', () => {
    // L4 only at 10 h: the resolution breach at 4 h is what reaches L4, before any step would.
    const slowSteps: CompiledSlaPolicy = {
      ...policy, escalateOnBreach: { respond: 2, resolve: 4 },
      priorities: { ...policy.priorities, P1: { ...policy.priorities.P1, stepMs: { 2: 2 * H, 3: 3 * H, 4: 10 * H } } },
    };
    const atL3 = { ...acked(), escalationLevel: 3, escalatedAt: T0 + 3 * H };
    expect(dueClockEvents(atL3, slowSteps, T0 + 4 * H - 1)).toEqual([]);
    expect(nextClockAt(atL3, slowSteps)).toBe(T0 + 4 * H);
    expect(dueClockEvents(atL3, slowSteps, T0 + 4 * H)).toEqual([
      { kind: 'breach', clock: 'resolve', at: T0 + 4 * H },
      { kind: 'escalate', level: 4, at: T0 + 4 * H, reason: 'resolve breach' },
    ]);
    // With every step after the resolution target, an alert still at L1 jumps to the breach's level on the breach alone.
    const stepsLater: CompiledSlaPolicy = {
      ...policy, escalateOnBreach: { respond: 2, resolve: 3 },
      priorities: { ...policy.priorities, P1: { ...policy.priorities.P1, stepMs: { 2: 5 * H, 3: 6 * H, 4: 7 * H } } },
    };
    expect(dueClockEvents(acked(), stepsLater, T0 + 4 * H)).toEqual([
      { kind: 'breach', clock: 'resolve', at: T0 + 4 * H },
      { kind: 'escalate', level: 3, at: T0 + 4 * H, reason: 'resolve breach' },
    ]);
  });

  it('never lowers the level nor repeats a recorded breach', () => {
    const high = p1({ respondBreachedAt: T0 + 15 * MIN, escalationLevel: 4, escalatedAt: T0 + 20 * MIN });
    expect(dueClockEvents(high, policy, T0 + 3 * H)).toEqual([]);
  });

  it('has nothing due while the alert is inside a maintenance window', () => {
    expect(dueClockEvents(p1({ maintenanceWindowId: 'mw_1' }), policy, T0 + 10 * H)).toEqual([]);
    expect(dueClockEvents(p1({ maintenanceWindowId: 'mw_1', state: 'resolved', resolvedAt: T0 + 9 * H }), policy, T0 + 10 * H)).toEqual([]);
    expect(nextClockAt(p1({ maintenanceWindowId: 'mw_1' }), policy)).toBeNull();
  });

  it('has only what fell due up to the pause when a window paused clocks that were running', () => {
    const paused = p1({ maintenanceWindowId: 'mw_1', clocksPausedAt: T0 + 2 * H + 30 * MIN });
    expect(dueClockEvents(paused, policy, T0 + 10 * H)).toEqual([
      { kind: 'breach', clock: 'respond', at: T0 + 15 * MIN },
      { kind: 'escalate', level: 2, at: T0 + 15 * MIN, reason: 'respond breach' },
    ]);
    // Nothing more until the release has the clock look again.
    expect(nextClockAt(applyClockEvents(paused, dueClockEvents(paused, policy, T0 + 10 * H)), policy)).toBeNull();
  });

  it('counts escalation steps from the restart of the clocks after a maintenance window', () => {
    const release = T0 + 5 * H;
    const restarted = acked(T0 + 5 * H + MIN);
    Object.assign(restarted, { slaStartedAt: release, respondBy: release + 15 * MIN, resolveBy: release + 4 * H });
    expect(dueClockEvents(restarted, policy, release + 2 * H - 1)).toEqual([]);
    expect(dueClockEvents(restarted, policy, release + 2 * H)).toEqual([{ kind: 'escalate', level: 2, at: release + 2 * H, reason: 'elapsed' }]);
  });

  it('counts only an acknowledgement in force: one that lapsed owes a fresh response window from the lapse', () => {
    // Acknowledged at 1 min, lapsed at 6 min (the lifecycle clears acknowledgedAt): owed within
    // the P1 respond target (15 min) of the lapse, so due at 21 min, after respondBy (15 min).
    const lapse = T0 + 6 * MIN;
    const lapsed = p1({ ackLapsedAt: lapse });
    expect(nextClockAt(lapsed, policy)).toBe(lapse + 15 * MIN);
    expect(dueClockEvents(lapsed, policy, lapse + 15 * MIN - 1)).toEqual([]);
    expect(dueClockEvents(lapsed, policy, lapse + 15 * MIN)).toEqual([
      { kind: 'breach', clock: 'respond', at: lapse + 15 * MIN },
      { kind: 'escalate', level: 2, at: lapse + 15 * MIN, reason: 'respond breach' },
    ]);
    // Acknowledged again inside the fresh window, even after respondBy: answered.
    expect(dueClockEvents(p1({ ackLapsedAt: lapse, state: 'acknowledged', acknowledgedAt: lapse + 15 * MIN - 1 }), policy, T0 + H)).toEqual([]);
    // Acknowledged again at the window's end: too late, a breach at that instant.
    expect(dueClockEvents(p1({ ackLapsedAt: lapse, state: 'acknowledged', acknowledgedAt: lapse + 15 * MIN }), policy, T0 + H)[0])
      .toEqual({ kind: 'breach', clock: 'respond', at: lapse + 15 * MIN });
  });

  it('never owes the response before respondBy, however early the acknowledgement lapsed', () => {
    // A P3 (respond 2 h) acknowledged for a minute right at the opening: the lapse's window ends
    // before respondBy, which still holds.
    const p3 = p1({ priority: 'P3', respondBy: T0 + 2 * H, resolveBy: T0 + 24 * H, ackLapsedAt: T0 + 2 * MIN });
    const shortWindow: CompiledSlaPolicy = { ...policy, priorities: { ...policy.priorities, P3: { ...policy.priorities.P3, respondMs: 30 * MIN } } };
    expect(nextClockAt(p3, shortWindow)).toBe(T0 + 2 * H);
    expect(dueClockEvents(p3, shortWindow, T0 + 2 * H - 1)).toEqual([]);
    expect(dueClockEvents(p3, shortWindow, T0 + 2 * H)[0]).toEqual({ kind: 'breach', clock: 'respond', at: T0 + 2 * H });
  });

  it('gives a lapse after respondBy passed a full response window rather than breaching at the lapse', () => {
    const lapse = T0 + 40 * MIN;
    const lapsedLate = p1({ ackLapsedAt: lapse });
    expect(nextClockAt(lapsedLate, policy)).toBe(lapse + 15 * MIN);
    expect(dueClockEvents(lapsedLate, policy, lapse)).toEqual([]);
    expect(dueClockEvents(lapsedLate, policy, lapse + 15 * MIN - 1)).toEqual([]);
    expect(dueClockEvents(lapsedLate, policy, lapse + 15 * MIN)).toEqual([
      { kind: 'breach', clock: 'respond', at: lapse + 15 * MIN },
      { kind: 'escalate', level: 2, at: lapse + 15 * MIN, reason: 'respond breach' },
    ]);
    // Acknowledged anew half a second after the lapse: answered, nothing owed.
    const reAcked = p1({ ackLapsedAt: lapse, state: 'acknowledged', acknowledgedAt: lapse + 500 });
    expect(dueClockEvents(reAcked, policy, lapse + H)).toEqual([]);
    expect(nextClockAt(reAcked, policy)).toBe(T0 + 2 * H);
    // Resolved inside the window: the resolution answered it in time.
    expect(dueClockEvents(p1({ ackLapsedAt: lapse, state: 'resolved', resolvedAt: lapse + 15 * MIN - 1 }), policy, lapse + H)).toEqual([]);
  });

  it('takes the fresh window from the tenant\'s respond target for the alert\'s priority', () => {
    const lapse = T0 + 40 * MIN;
    const tenMinutes: CompiledSlaPolicy = { ...policy, priorities: { ...policy.priorities, P1: { ...policy.priorities.P1, respondMs: 10 * MIN } } };
    expect(nextClockAt(p1({ ackLapsedAt: lapse }), tenMinutes)).toBe(lapse + 10 * MIN);
    expect(dueClockEvents(p1({ priority: 'P2', ackLapsedAt: lapse }), policy, lapse + 30 * MIN - 1)).toEqual([]);
    expect(dueClockEvents(p1({ priority: 'P2', ackLapsedAt: lapse }), policy, lapse + 30 * MIN)[0]).toEqual({ kind: 'breach', clock: 'respond', at: lapse + 30 * MIN });
  });

  describe('a re-opened alert whose earlier occurrence breached', () => {
    const reopenAt = T0 + 5 * H;
    /** Breached both clocks and reached L4 in its first occurrence; re-opened at 5 h with fresh deadlines. */
    const reopened = (over: Partial<ClockedAlert> = {}) => p1({
      respondBreachedAt: T0 + 15 * MIN, resolveBreachedAt: T0 + 4 * H, escalationLevel: 2, escalatedAt: T0 + 15 * MIN,
      slaStartedAt: reopenAt, respondBy: reopenAt + 15 * MIN, resolveBy: reopenAt + 4 * H, ...over,
    });

    it('has its own response and resolution clocks, breaching at exactly their instants', () => {
      expect(nextClockAt(reopened(), policy)).toBe(reopenAt + 15 * MIN);
      expect(dueClockEvents(reopened(), policy, reopenAt + 15 * MIN - 1)).toEqual([]);
      expect(dueClockEvents(reopened(), policy, reopenAt + 15 * MIN)).toEqual([{ kind: 'breach', clock: 'respond', at: reopenAt + 15 * MIN }]);
      const answered = reopened({ state: 'acknowledged', acknowledgedAt: reopenAt + MIN, escalationLevel: 3, escalatedAt: reopenAt + 3 * H });
      expect(dueClockEvents(answered, policy, reopenAt + 4 * H - 1)).toEqual([]);
      expect(dueClockEvents(answered, policy, reopenAt + 4 * H)).toEqual([
        { kind: 'breach', clock: 'resolve', at: reopenAt + 4 * H },
        { kind: 'escalate', level: 4, at: reopenAt + 4 * H, reason: 'elapsed' },
      ]);
    });

    it('stops the new response clock at an acknowledgement of the new occurrence', () => {
      expect(dueClockEvents(reopened({ state: 'acknowledged', acknowledgedAt: reopenAt + 15 * MIN - 1 }), policy, reopenAt + H)).toEqual([]);
    });

    it('escalates from the re-open by the steps above its level, and on its own breach', () => {
      const strict: CompiledSlaPolicy = { ...policy, escalateOnBreach: { respond: 3, resolve: 4 } };
      expect(dueClockEvents(reopened(), strict, reopenAt + 15 * MIN)).toEqual([
        { kind: 'breach', clock: 'respond', at: reopenAt + 15 * MIN },
        { kind: 'escalate', level: 3, at: reopenAt + 15 * MIN, reason: 'respond breach' },
      ]);
      // An earlier occurrence's breach raises nothing now: the L2 it caused is in the level kept.
      const answered = reopened({ state: 'acknowledged', acknowledgedAt: reopenAt + MIN });
      expect(dueClockEvents(answered, strict, reopenAt + 3 * H - 1)).toEqual([]);
      expect(dueClockEvents(answered, strict, reopenAt + 3 * H)).toEqual([{ kind: 'escalate', level: 3, at: reopenAt + 3 * H, reason: 'elapsed' }]);
    });

    it('breaches once per occurrence: the new breach, once applied, settles the clock', () => {
      const breachedAgain = applyClockEvents(reopened(), dueClockEvents(reopened(), policy, reopenAt + 15 * MIN));
      expect(breachedAgain.respondBreachedAt).toBe(reopenAt + 15 * MIN);
      expect(dueClockEvents(breachedAgain, policy, reopenAt + H)).toEqual([]);
      expect(nextClockAt(breachedAgain, policy)).toBe(reopenAt + 3 * H);
    });
  });

  it('reaches a step that a policy change moved into the past when the change was made', () => {
    const changedAt = T0 + 90 * MIN;
    const sooner: CompiledSlaPolicy = { ...policy, effectiveFrom: changedAt, priorities: { ...policy.priorities, P1: { ...policy.priorities.P1, stepMs: { 2: H, 3: 3 * H, 4: 4 * H } } } };
    expect(dueClockEvents(acked(), sooner, changedAt)).toEqual([{ kind: 'escalate', level: 2, at: changedAt, reason: 'elapsed' }]);
  });

  it('never records an escalation before the level\'s previous change', () => {
    const raisedLate = p1({ acknowledgedAt: T0 + MIN, escalationLevel: 2, escalatedAt: T0 + 3 * H + 30 * MIN });
    expect(dueClockEvents(raisedLate, policy, T0 + 3 * H + 40 * MIN)).toEqual([{ kind: 'escalate', level: 3, at: T0 + 3 * H + 30 * MIN, reason: 'elapsed' }]);
  });
});

describe('applyClockEvents and nextClockAt', () => {
  it('looks next at the earliest instant anything can fall due', () => {
    expect(nextClockAt(p1(), policy)).toBe(T0 + 15 * MIN);
    // Answered: the response clock is done; the L2 step comes next.
    expect(nextClockAt(acked(), policy)).toBe(T0 + 2 * H);
    const afterBreach = applyClockEvents(p1(), dueClockEvents(p1(), policy, T0 + 15 * MIN));
    expect(afterBreach).toMatchObject({ respondBreachedAt: T0 + 15 * MIN, escalationLevel: 2, escalatedAt: T0 + 15 * MIN });
    expect(nextClockAt(afterBreach, policy)).toBe(T0 + 3 * H);
  });

  it('has nothing left once resolved, or at L4 with both clocks settled', () => {
    expect(nextClockAt(p1({ state: 'resolved', resolvedAt: T0 + MIN }), policy)).toBeNull();
    const done = applyClockEvents(p1(), dueClockEvents(p1(), policy, T0 + 5 * H));
    expect(done).toMatchObject({ respondBreachedAt: T0 + 15 * MIN, resolveBreachedAt: T0 + 4 * H, escalationLevel: 4, escalatedAt: T0 + 4 * H });
    expect(nextClockAt(done, policy)).toBeNull();
  });
});
