import { describe, expect, it } from 'vitest';
import { resumedClocks, slaDeadlines, restartedDeadlines } from './deadlines.js';
import { DEFAULT_COMPILED_SLA_POLICY as policy } from './policy.js';
import type { ClockedAlert } from './types.js';

const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

const alert = (over: Partial<ClockedAlert> = {}): ClockedAlert => ({
  priority: 'P2', state: 'open', openedAt: T0, acknowledgedAt: null, resolvedAt: null, maintenanceWindowId: null,
  respondBy: T0 + 30 * MIN, resolveBy: T0 + 8 * H, respondBreachedAt: null, resolveBreachedAt: null,
  escalationLevel: 1, escalatedAt: null, slaStartedAt: null, ackLapsedAt: null, clocksPausedAt: null, ...over,
});

describe('slaDeadlines', () => {
  it('adds the priority\'s targets to the instant the clocks start', () => {
    expect(slaDeadlines('P1', T0, policy)).toEqual({ respondBy: T0 + 15 * MIN, resolveBy: T0 + 4 * H });
    expect(slaDeadlines('P4', T0, policy)).toEqual({ respondBy: T0 + 4 * H, resolveBy: T0 + 72 * H });
  });
});

describe('restartedDeadlines', () => {
  const release = T0 + 5 * H;

  it('starts both clocks over at the release', () => {
    expect(restartedDeadlines(alert(), policy, release)).toEqual({ slaStartedAt: release, respondBy: release + 30 * MIN, resolveBy: release + 8 * H });
  });

  it('keeps a clock that had already breached, with its deadline', () => {
    const breached = alert({ respondBreachedAt: T0 + 30 * MIN, slaStartedAt: T0 - H });
    expect(restartedDeadlines(breached, policy, release)).toEqual({ slaStartedAt: release, respondBy: T0 + 30 * MIN, resolveBy: release + 8 * H });
  });

  it('starts over a clock whose breach was an earlier occurrence\'s', () => {
    // Re-opened at 5 h after breaching both clocks in its first occurrence; released from a window at 6 h.
    const reopenAt = T0 + 5 * H;
    const reopened = alert({
      respondBreachedAt: T0 + 30 * MIN, resolveBreachedAt: T0 + 8 * H, slaStartedAt: reopenAt,
      respondBy: reopenAt + 30 * MIN, resolveBy: reopenAt + 8 * H,
    });
    expect(restartedDeadlines(reopened, policy, T0 + 6 * H)).toEqual({ slaStartedAt: T0 + 6 * H, respondBy: T0 + 6 * H + 30 * MIN, resolveBy: T0 + 14 * H });
    // Right after the re-open, before any deadline of the new occurrence was stamped.
    const unstamped = alert({ respondBreachedAt: T0 + 30 * MIN, resolveBreachedAt: T0 + 8 * H, respondBy: null, resolveBy: null });
    expect(restartedDeadlines(unstamped, policy, reopenAt)).toEqual({ slaStartedAt: reopenAt, respondBy: reopenAt + 30 * MIN, resolveBy: reopenAt + 8 * H });
  });
});

describe('resumedClocks', () => {
  const pausedAt = T0 + 10 * MIN;
  const release = T0 + 3 * H + 10 * MIN;
  const held = release - pausedAt;

  it('moves every deadline still ahead at the pause, and the steps\' start, by exactly the time held', () => {
    expect(resumedClocks(alert(), pausedAt, release)).toEqual({
      respondBy: T0 + 30 * MIN + held, resolveBy: T0 + 8 * H + held, slaStartedAt: T0 + held, ackLapsedAt: null,
    });
    // A second pause adds to the first: the steps count from the start as already moved.
    expect(resumedClocks(alert({ slaStartedAt: T0 + H }), pausedAt, release).slaStartedAt).toBe(T0 + H + held);
  });

  it('leaves what was already due at the pause where it was', () => {
    const lateAlready = alert({ respondBy: pausedAt, respondBreachedAt: pausedAt });
    expect(resumedClocks(lateAlready, pausedAt, release)).toMatchObject({ respondBy: pausedAt, resolveBy: T0 + 8 * H + held });
  });

  it('counts an acknowledgement that lapsed inside the window as lapsing at the release, one before it as lapsing the time held later', () => {
    expect(resumedClocks(alert({ ackLapsedAt: pausedAt + MIN }), pausedAt, release).ackLapsedAt).toBe(release);
    // Its fresh response window had run a minute at the pause: it goes on for the rest after the release.
    expect(resumedClocks(alert({ ackLapsedAt: pausedAt - MIN }), pausedAt, release).ackLapsedAt).toBe(pausedAt - MIN + held);
  });
});
