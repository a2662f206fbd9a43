import { describe, expect, it } from 'vitest';
import type { Alert, NotificationFilters } from '@vigil/shared';
import type { AlertEvent } from '../alerts/alert-events.js';
import { EMPTY_PLANNER_STATE, forgetAnnouncement, nextFlushAt, planEvent, planFlush, plannerStateFrom, type PlannerState } from './planner.js';
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
const released = (a: Alert, from: 'maintenance' | 'suppression' | 'flapping'): AlertEvent => ({ type: 'alert.released', alert: a, from });

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
    const { batches } = run([channel('noc')], [[0, opened(a1)], [30 * S, 'tick'], [1 * M, opened(alert('a2'))], [1 * M, resolved(a1)], [30 * S + 5 * M, 'tick']]);
    expect(batches.map((b) => [b.at, b.event, ids(b)])).toEqual([[30 * S, 'opened', ['a1']], [30 * S + 5 * M, 'opened', ['a2']], [30 * S + 5 * M, 'resolved', ['a1']]]);
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

describe('notification planner: repeats and churn', () => {
  const now0 = [channel('noc', { groupWaitMs: 0, groupIntervalMs: 0 })];

  it('does not repeat the firing of a still-open alert within repeatInterval (an agent blipping offline and back), and does after it', () => {
    const a1 = alert('a1');
    // What the engine publishes: the open, then a release each time the agent comes back with the alert still firing.
    const { batches } = run(now0, [[0, opened(a1)], [1 * H, released(a1, 'suppression')], [5 * H, released(a1, 'suppression')]]);
    expect(batches.map((b) => [b.at, b.event])).toEqual([[0, 'opened'], [5 * H, 'released']]);
    const { outcomes } = planEvent(run(now0, [[0, opened(a1)]]).state, now0, released(a1, 'suppression'), 1 * H);
    expect(outcomes).toEqual([{ channelId: 'noc', outcome: 'throttled' }]);
  });

  it('announces an alert firing again after its resolve went out, however soon: the receiver must not believe it resolved', () => {
    const a1 = alert('a1');
    const { batches } = run(now0, [[0, opened(a1)], [1 * M, resolved(a1)], [2 * M, opened(a1)], [3 * M, resolved(a1)]]);
    expect(batches.map((b) => b.event)).toEqual(['opened', 'resolved', 'opened', 'resolved']);
  });

  it('sends nothing for an alert that opens and resolves while its group waits', () => {
    const a1 = alert('a1');
    const ch = [channel('noc')];
    const { state } = planEvent(EMPTY_PLANNER_STATE, ch, opened(a1), 0);
    const after = planEvent(state, ch, resolved(a1), 10 * S);
    expect(after.outcomes).toEqual([{ channelId: 'noc', outcome: 'unannounced' }]);
    expect(nextFlushAt(after.state)).toBeNull();
    expect(run(ch, [[0, opened(a1)], [10 * S, resolved(a1)], [30 * S, 'tick'], [1 * H, 'tick']]).batches).toEqual([]);
  });

  it('withdraws a waiting resolve when the alert fires again before it went out: the channel still believes it fires', () => {
    const a1 = alert('a1');
    const ch = [channel('noc')];
    const { batches } = run(ch, [[0, opened(a1)], [30 * S, 'tick'], [1 * M, resolved(a1)], [2 * M, opened(a1)], [30 * S + 5 * M, 'tick'], [1 * H, 'tick']]);
    expect(batches.map((b) => [b.at, b.event])).toEqual([[30 * S, 'opened']]);
  });

  it('bounds an alert churning faster than groupInterval to one notification per groupInterval, telling the last state', () => {
    const a1 = alert('a1');
    const ch = [channel('noc')];
    // Open 50 s, clear 50 s, for 20 minutes (the re-opens continue the same alert, as within reopenWithin); then open for good.
    const steps: Array<[number, AlertEvent | 'tick']> = [];
    for (let t = 0; t <= 1 * H; t += S) {
      const phase = t % (100 * S);
      if (t <= 20 * M && phase === 0) steps.push([t, opened(a1)]);
      else if (t < 20 * M && phase === 50 * S) steps.push([t, resolved(a1)]);
      else steps.push([t, 'tick']);
    }
    const { batches } = run(ch, steps);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < batches.length; i++) {
      expect(batches[i]!.at - batches[i - 1]!.at).toBeGreaterThanOrEqual(5 * M);
      // Only news: never the same state twice in a row.
      expect(batches[i]!.event).not.toBe(batches[i - 1]!.event);
    }
    expect(batches[0]).toMatchObject({ at: 30 * S, event: 'opened' });
    expect(batches.at(-1)!.event).toBe('opened');
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
});

describe('notification planner: holds ending and resolves owed', () => {
  const ch = [channel('noc', { groupWaitMs: 0, groupIntervalMs: 0 })];

  it('announces a flapping alert when it settles still firing', () => {
    const flapping = alert('a1', { flapping: true });
    const { batches } = run(ch, [[0, opened(flapping)], [10 * M, released(alert('a1'), 'flapping')]]);
    expect(batches.map((b) => [b.at, b.event, b.items[0]!.from])).toEqual([[10 * M, 'released', 'flapping']]);
  });

  it('announces an alert that opened suppressed once the outage it depended on is over', () => {
    const suppressed = alert('a1', { suppressedBy: 'alr_offline' });
    const { batches } = run(ch, [[0, opened(suppressed)], [10 * M, released(alert('a1'), 'suppression')]]);
    expect(batches.map((b) => [b.at, b.event, b.items[0]!.from])).toEqual([[10 * M, 'released', 'suppression']]);
  });

  const holds: Array<[string, Partial<Alert>]> = [
    ['flapping', { flapping: true }], ['suppressed (its agent offline)', { suppressedBy: 'alr_offline' }],
    ['in a maintenance window', { maintenanceWindowId: 'mw_1' }], ['of a lower priority than the channel takes now', { priority: 'P4' }],
  ];
  for (const [what, hold] of holds) {
    it(`sends the resolve of a paged alert that resolves ${what}`, () => {
      const chP3 = [channel('noc', { groupWaitMs: 0, groupIntervalMs: 0, filters: { minPriority: 'P3' } })];
      const a1 = alert('a1');
      const { batches, state } = run(chP3, [[0, opened(a1)], [1 * M, { type: 'alert.updated', alert: { ...a1, ...hold } }], [2 * M, resolved({ ...a1, ...hold })]]);
      expect(batches.map((b) => [b.at, b.event])).toEqual([[0, 'opened'], [2 * M, 'resolved']]);
      expect(state.announced.size).toBe(0);
    });
  }

  for (const [what, hold] of holds.slice(0, 3)) {
    it(`sends no resolve for an alert never announced because it was ${what} all along`, () => {
      const held = alert('a1', hold);
      const { batches } = run(ch, [[0, opened(held)], [1 * M, resolved(held)]]);
      expect(batches).toEqual([]);
      expect(planEvent(EMPTY_PLANNER_STATE, ch, resolved(held), 1 * M).outcomes).toEqual([{ channelId: 'noc', outcome: 'unannounced' }]);
    });
  }

  it('tells a higher level about the resolve of an alert it was paged about, and not of one it never heard of', () => {
    const levels = [channel('noc', { filters: { levels: [1] } }), channel('manager', { filters: { levels: [3] } })];
    const a1 = alert('a1');
    const a2 = alert('a2');
    const { batches } = run(levels, [
      [0, opened(a1)], [0, opened(a2)], [30 * S, 'tick'],
      [1 * H, { type: 'alert.escalated', alert: { ...a1, escalationLevel: 3 }, level: 3 }],
      [1 * H + 30 * S, 'tick'], [2 * H, resolved({ ...a1, escalationLevel: 3 })], [2 * H, resolved(a2)], [3 * H, 'tick'],
    ]);
    expect(batches.map((b) => `${b.at / M}m ${b.channelId}:${b.event}:${ids(b).join(',')}`)).toEqual([
      '0.5m noc:opened:a1,a2', '60.5m manager:escalated:a1', '180m manager:resolved:a1', '180m noc:resolved:a1,a2',
    ]);
  });

  it('still sends resolves to a channel that takes resolves only, under its filters', () => {
    const resolvesOnly = [channel('tickets', { groupWaitMs: 0, filters: { events: ['resolved'] } })];
    expect(planEvent(EMPTY_PLANNER_STATE, resolvesOnly, resolved(alert('a1')), 0).outcomes).toEqual([{ channelId: 'tickets', outcome: 'queued' }]);
    expect(planEvent(EMPTY_PLANNER_STATE, resolvesOnly, resolved(alert('a1', { flapping: true })), 0).outcomes).toEqual([{ channelId: 'tickets', outcome: 'flapping' }]);
  });

  it('reports each announcement it makes and forgets, for the caller to store', () => {
    const a1 = alert('a1');
    const first = planFlush(planEvent(EMPTY_PLANNER_STATE, ch, opened(a1), 5).state, ch, 5);
    expect(first.announcements).toEqual([{ channelId: 'noc', alertId: 'a1', kinds: { firing: 5 } }]);
    const resolving = planEvent(first.state, ch, resolved(a1), 9);
    // Owed until the resolve goes out: a re-fire before then withdraws it.
    expect(resolving.announcements).toEqual([]);
    expect(planFlush(resolving.state, ch, 9).announcements).toEqual([{ channelId: 'noc', alertId: 'a1', kinds: null }]);
  });

  it('owes the resolve after a restart, from the stored announcements', () => {
    const restarted = plannerStateFrom([{ channelId: 'noc', alertId: 'a1', kinds: { firing: 0 } }]);
    const { batches } = run(ch, [[1 * H, resolved(alert('a1', { suppressedBy: 'alr_offline' }))]], restarted);
    expect(batches.map((b) => [b.event, ids(b)])).toEqual([['resolved', ['a1']]]);
    // And throttles as before the restart.
    expect(planEvent(restarted, ch, released(alert('a1'), 'flapping'), 1 * H).outcomes).toEqual([{ channelId: 'noc', outcome: 'throttled' }]);
  });

  it('forgets what a deleted channel was owed, and a resolve a disabled channel will never send', () => {
    const two = [channel('noc', { groupWaitMs: 0 }), channel('old', { groupWaitMs: 0 })];
    const { state } = run(two, [[0, opened(alert('a1'))]]);
    expect(state.announced.size).toBe(2);
    const deleted = planFlush(state, [two[0]!], 1);
    expect(deleted.announcements).toEqual([{ channelId: 'old', alertId: 'a1', kinds: null }]);
    const disabled = planEvent(state, [two[0]!, channel('old', { enabled: false })], resolved(alert('a1')), 2);
    expect(disabled.outcomes.map((o) => o.outcome)).toEqual(['queued', 'disabled']);
    expect(disabled.announcements).toEqual([{ channelId: 'old', alertId: 'a1', kinds: null }]);
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
    const ch = [channel('noc', { filters: { events: ['opened'] } })];
    const { state } = run([channel('noc', { groupWaitMs: 0, filters: { events: ['opened'] } })], [[0, opened(alert('a1'))]]);
    expect(planEvent(EMPTY_PLANNER_STATE, ch, released(alert('a1'), 'maintenance'), 0).outcomes).toEqual([{ channelId: 'noc', outcome: 'event' }]);
    expect(planEvent(state, ch, resolved(alert('a1')), 0).outcomes).toEqual([{ channelId: 'noc', outcome: 'event' }]);
    expect(planEvent(EMPTY_PLANNER_STATE, ch, { type: 'alert.updated', alert: alert('a1') }, 0).outcomes).toEqual([]);
  });

  it('notifies alert.released like an open: the alert held by maintenance is still broken', () => {
    const ch = [channel('noc')];
    const { batches } = run(ch, [[0, released(alert('a1'), 'maintenance')], [30 * S, 'tick']]);
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

  it('keeps a fresh alert from higher levels', () => {
    const ch = [channel('noc', { filters: { levels: [1] } }), channel('manager', { filters: { levels: [3] } })];
    expect(planEvent(EMPTY_PLANNER_STATE, ch, opened(alert('a1')), 0).outcomes.map((o) => o.outcome)).toEqual(['queued', 'level']);
  });
});

describe('notification planner: news that never arrived', () => {
  it('forgets an alert whose firing news finally failed: the resolve waiting in its group is withdrawn and none is owed later', () => {
    const noc = channel('noc', { groupWaitMs: 0, groupIntervalMs: 5 * M });
    const pager = channel('pager', { groupWaitMs: 0, groupIntervalMs: 5 * M });
    const a = alert('alr_a');
    // Both channels were sent the open; the resolve then waits out the groups' interval.
    const { state: told } = run([noc, pager], [[0, opened(a)]]);
    const waiting = planEvent(told, [noc, pager], resolved(a), 1 * M).state;
    expect(nextFlushAt(waiting)).toBe(5 * M);

    // The open never reached the NOC's receiver after all.
    const forgotten = forgetAnnouncement(waiting, 'noc', 'alr_a');
    const flushed = planFlush(forgotten, [noc, pager], 5 * M);
    expect(flushed.batches.map((b) => [b.channelId, b.event, ids(b)])).toEqual([['pager', 'resolved', ['alr_a']]]);
    expect(flushed.state.announced.size).toBe(0);
    // The pager's own waiting resolve and what it was told are untouched.
    expect(forgetAnnouncement(told, 'noc', 'alr_a').announced.has('pager|alr_a')).toBe(true);
  });
});
