import { describe, expect, it } from 'vitest';
import { slaDeadlines, restartedDeadlines } from './deadlines.js';
import { DEFAULT_COMPILED_SLA_POLICY as policy } from './policy.js';
import type { ClockedAlert } from './types.js';

const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

const alert = (over: Partial<ClockedAlert> = {}): ClockedAlert => ({
  priority: 'P2', state: 'open', openedAt: T0, acknowledgedAt: null, resolvedAt: null, maintenanceWindowId: null,
  respondBy: T0 + 30 * MIN, resolveBy: T0 + 8 * H, respondBreachedAt: null, resolveBreachedAt: null,
  escalationLevel: 1, escalatedAt: null, slaStartedAt: null, ...over,
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
});
