import { describe, expect, it } from 'vitest';
import type { Alert, NotificationFilters } from '@vigil/shared';
import type { AlertEvent } from '../alerts/alert-events.js';
import { EMPTY_PLANNER_STATE, nextFlushAt, planEvent, planFlush, type PlannerState } from './planner.js';
import type { ChannelPlan, DeliveryBatch } from './types.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

const ALL_EVENTS: NotificationFilters['events'] = ['opened', 'escalated', 'breached', 'resolved', 'released'];

function channel(id: string, overrides: Omit<Partial<ChannelPlan>, 'filters'> & { filters?: Partial<NotificationFilters> } = {}): ChannelPlan {
  const { filters, ...rest } = overrides;
  return {
    id, enabled: true, groupWaitMs: 30 * S, groupIntervalMs: 5 * M, repeatIntervalMs: 4 * H, ...rest,
    filters: { scope: {}, minPriority: 'P4', levels: [1], events: ALL_EVENTS, ...filters },
  };
}

function alert(id: string, overrides: Partial<Alert> = {}): Alert {
  return {
    id, ruleId: 'rul_disk', ruleName: 'Disk full', agentId: 'agt_1', hostname: 'web-1', tenantId: 'acme', siteId: 'hq',
    metric: 'disk.used_pct', labels: { mount: '/' }, op: '>', threshold: 90, priority: 'P2', state: 'open', openValue: 93, value: 93,
    openedAt: 0, updatedAt: 0, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, comment: null,
    occurrences: 1, flapping: false, ackExpiresAt: null, maintenanceWindowId: null, respondBy: null, resolveBy: null,
    respondBreachedAt: null, resolveBreachedAt: null, escalationLevel: 1, escalatedAt: null, suppressedBy: null, ...overrides,
  };
}

const opened = (a: Alert): AlertEvent => ({ type: 'alert.opened', alert: a });
const resolved = (a: Alert): AlertEvent => ({ type: 'alert.resolved', alert: { ...a, state: 'resolved', resolvedAt: 1, resolvedBy: 'auto' } });

/** Feeds events at their instants and flushes after each, as the dispatcher's timer would; returns every batch sent. */
function run(channels: ChannelPlan[], steps: Array<[number, AlertEvent | 'tick']>, state: PlannerState = EMPTY_PLANNER_STATE): { batches: Array<DeliveryBatch & { at: number }>; state: PlannerState } {
  const batches: Array<DeliveryBatch & { at: number }> = [];
  for (const [at, step] of steps) {
    if (step !== 'tick') state = planEvent(state, channels, step, at).state;
    const flushed = planFlush(state, channels, at);
    state = flushed.state;
    batches.push(...flushed.batches.map((b) => ({ ...b, at })));
  }
  return { batches, state };
}

const ids = (b: DeliveryBatch): string[] => b.items.map((i) => i.alert.id);

describe('notification planner: grouping', () => {
  it('holds a new group for groupWait and sends the alerts that arrived meanwhile together', () => {
    const ch = [channel('noc')];
    const { batches } = run(ch, [[0, opened(alert('a1'))], [10 * S, opened(alert('a2'))], [29 * S, 'tick'], [30 * S, 'tick']]);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ at: 30 * S, channelId: 'noc', tenantId: 'acme', ruleId: 'rul_disk', event: 'opened' });
    expect(ids(batches[0]!)).toEqual(['a1', 'a2']);
  });

  it('tells the timer when the next group is due', () => {
    const { state } = planEvent(EMPTY_PLANNER_STATE, [channel('noc')], opened(alert('a1')), 1000);
    expect(nextFlushAt(state)).toBe(31 * S);
    expect(nextFlushAt(EMPTY_PLANNER_STATE)).toBeNull();
  });

  it('groups by tenant and rule: another rule or tenant is a group of its own', () => {
    const ch = [channel('noc')];
    const { batches } = run(ch, [
      [0, opened(alert('a1'))], [0, opened(alert('a2', { ruleId: 'rul_cpu' }))], [0, opened(alert('a3', { tenantId: 'globex' }))], [30 * S, 'tick'],
    ]);
    expect(batches.map((b) => `${b.tenantId}/${b.ruleId}:${ids(b).join(',')}`).sort()).toEqual(['acme/rul_cpu:a2', 'acme/rul_disk:a1', 'globex/rul_disk:a3']);
  });

  it('sends later alerts of a group that went out once groupInterval has passed since, not before', () => {
    const ch = [channel('noc')];
    const { batches } = run(ch, [
      [0, opened(alert('a1'))], [30 * S, 'tick'],
      [60 * S, opened(alert('a2'))], [90 * S, 'tick'], [30 * S + 5 * M - 1, 'tick'], [30 * S + 5 * M, 'tick'],
    ]);
    expect(batches.map((b) => [b.at, ids(b)])).toEqual([[30 * S, ['a1']], [30 * S + 5 * M, ['a2']]]);
  });

  it('treats a group quiet for longer than groupInterval as new again (groupWait)', () => {
    const ch = [channel('noc')];
    const { batches } = run(ch, [[0, opened(alert('a1'))], [30 * S, 'tick'], [1 * H, opened(alert('a2'))], [1 * H + 30 * S, 'tick']]);
    expect(batches.map((b) => b.at)).toEqual([30 * S, 1 * H + 30 * S]);
  });

  it('sends each event of a group as its own delivery', () => {
    const a1 = alert('a1');
    const { batches } = run([channel('noc')], [[0, opened(a1)], [0, opened(alert('a2'))], [5 * S, resolved(a1)], [30 * S, 'tick']]);
    expect(batches.map((b) => [b.event, ids(b)])).toEqual([['opened', ['a1', 'a2']], ['resolved', ['a1']]]);
  });

  it('sends at once with a groupWait of zero', () => {
    const { batches } = run([channel('noc', { groupWaitMs: 0 })], [[7, opened(alert('a1'))]]);
    expect(batches.map((b) => b.at)).toEqual([7]);
  });

  it('forgets the groups of a deleted or disabled channel', () => {
    const { state } = planEvent(EMPTY_PLANNER_STATE, [channel('noc')], opened(alert('a1')), 0);
    expect(planFlush(state, [channel('noc', { enabled: false })], 30 * S).batches).toEqual([]);
    expect(planFlush(state, [], 30 * S).state.groups.size).toBe(0);
  });
});

describe('notification planner: repeats', () => {
  it('does not repeat the same notification about a still-open alert within repeatInterval, and does after it', () => {
    const a1 = alert('a1');
    const ch = [channel('noc', { groupWaitMs: 0, groupIntervalMs: 0 })];
    const { batches } = run(ch, [[0, opened(a1)], [1 * H, opened(a1)], [1 * H, { type: 'alert.released', alert: a1, from: 'maintenance' }], [4 * H, opened(a1)]]);
    expect(batches.map((b) => b.at)).toEqual([0, 4 * H]);
    const outcome = planEvent(run(ch, [[0, opened(a1)]]).state, ch, opened(a1), 1 * H).outcomes;
    expect(outcome).toEqual([{ channelId: 'noc', outcome: 'throttled' }]);
  });

  it('always sends a resolve, and after it the alert opening again is news', () => {
    const a1 = alert('a1');
    const ch = [channel('noc', { groupWaitMs: 0, groupIntervalMs: 0 })];
    const { batches } = run(ch, [[0, opened(a1)], [1 * M, resolved(a1)], [2 * M, opened(a1)], [3 * M, resolved(a1)]]);
    expect(batches.map((b) => b.event)).toEqual(['opened', 'resolved', 'opened', 'resolved']);
  });

  it('counts each breach clock and each escalation level as news of its own', () => {
    const a1 = alert('a1', { escalationLevel: 2 });
    const ch = [channel('noc', { groupWaitMs: 0, groupIntervalMs: 0, filters: { levels: [1, 2, 3] } })];
    const { batches } = run(ch, [
      [0, opened(a1)], [1, { type: 'alert.breached', alert: a1, clock: 'respond' }], [2, { type: 'alert.breached', alert: a1, clock: 'respond' }],
      [3, { type: 'alert.breached', alert: a1, clock: 'resolve' }], [4, { type: 'alert.escalated', alert: a1, level: 2 }],
      [5, { type: 'alert.escalated', alert: { ...a1, escalationLevel: 3 }, level: 3 }],
    ]);
    expect(batches.map((b) => `${b.event}:${b.items[0]!.clock ?? b.items[0]!.level ?? ''}`)).toEqual(['opened:', 'breached:respond', 'breached:resolve', 'escalated:2', 'escalated:3']);
  });

  it('forgets throttle memory older than repeatInterval, so it cannot grow without limit', () => {
    const ch = [channel('noc', { groupWaitMs: 0, groupIntervalMs: 0, repeatIntervalMs: 1 * H })];
    const { state } = run(ch, [[0, opened(alert('a1'))], [0, opened(alert('a2'))]]);
    expect(state.notified.size).toBe(2);
    expect(planFlush(state, ch, 1 * H).state.notified.size).toBe(0);
  });
});

describe('notification planner: filters', () => {
  const cases: Array<[string, Alert, string]> = [
    ['flapping', alert('a1', { flapping: true }), 'flapping'],
    ['suppressed (agent offline)', alert('a1', { suppressedBy: 'alr_offline' }), 'suppressed'],
    ['in a maintenance window', alert('a1', { maintenanceWindowId: 'mw_1' }), 'maintenance'],
    ['less urgent than the channel wants', alert('a1', { priority: 'P3' }), 'priority'],
    ['of another tenant', alert('a1', { tenantId: 'globex' }), 'scope'],
    ['of another site', alert('a1', { siteId: 'branch' }), 'scope'],
  ];
  for (const [what, a, reason] of cases) {
    it(`does not notify an alert ${what}`, () => {
      const ch = [channel('noc', { filters: { minPriority: 'P2', scope: { tenant: 'acme', site: 'hq' } } })];
      const { state, outcomes } = planEvent(EMPTY_PLANNER_STATE, ch, opened(a), 0);
      expect(outcomes).toEqual([{ channelId: 'noc', outcome: reason }]);
      expect(planFlush(state, ch, 1 * H).batches).toEqual([]);
    });
  }

  it('notifies a P1 on a channel whose minimum priority is P2', () => {
    const { outcomes } = planEvent(EMPTY_PLANNER_STATE, [channel('noc', { filters: { minPriority: 'P2' } })], opened(alert('a1', { priority: 'P1' })), 0);
    expect(outcomes).toEqual([{ channelId: 'noc', outcome: 'queued' }]);
  });

  it('sends only the events a channel asked for, and nothing for alert.updated', () => {
    const ch = [channel('noc', { filters: { events: ['resolved'] } })];
    expect(planEvent(EMPTY_PLANNER_STATE, ch, opened(alert('a1')), 0).outcomes).toEqual([{ channelId: 'noc', outcome: 'event' }]);
    expect(planEvent(EMPTY_PLANNER_STATE, ch, resolved(alert('a1')), 0).outcomes).toEqual([{ channelId: 'noc', outcome: 'queued' }]);
    expect(planEvent(EMPTY_PLANNER_STATE, ch, { type: 'alert.updated', alert: alert('a1') }, 0).outcomes).toEqual([]);
  });

  it('notifies alert.released like an open: the alert held by maintenance is still broken', () => {
    const ch = [channel('noc')];
    const { batches } = run(ch, [[0, { type: 'alert.released', alert: alert('a1'), from: 'maintenance' }], [30 * S, 'tick']]);
    expect(batches.map((b) => [b.event, ids(b)])).toEqual([['released', ['a1']]]);
  });

  it('sends alert.escalated to the channels serving that level only', () => {
    const ch = [channel('noc', { filters: { levels: [1] } }), channel('lead', { filters: { levels: [2] } }), channel('manager', { filters: { levels: [3, 4] } })];
    const a1 = alert('a1', { escalationLevel: 3 });
    const { outcomes } = planEvent(EMPTY_PLANNER_STATE, ch, { type: 'alert.escalated', alert: a1, level: 3 }, 0);
    expect(outcomes).toEqual([
      { channelId: 'noc', outcome: 'level' }, { channelId: 'lead', outcome: 'level' }, { channelId: 'manager', outcome: 'queued' },
    ]);
  });

  it('keeps a fresh alert from higher levels, but tells them about an escalated alert resolving', () => {
    const ch = [channel('noc', { filters: { levels: [1] } }), channel('manager', { filters: { levels: [3] } })];
    expect(planEvent(EMPTY_PLANNER_STATE, ch, opened(alert('a1')), 0).outcomes.map((o) => o.outcome)).toEqual(['queued', 'level']);
    expect(planEvent(EMPTY_PLANNER_STATE, ch, resolved(alert('a1', { escalationLevel: 3 })), 0).outcomes.map((o) => o.outcome)).toEqual(['queued', 'queued']);
  });
});
