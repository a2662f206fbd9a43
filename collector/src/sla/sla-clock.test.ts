import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuleInput, Sample } from '@vigil/shared';
import { AlertEvents, type AlertEvent } from '../alerts/alert-events.js';
import { AlertService, type EvaluatedAgent } from '../alerts/alert-service.js';
import type { AlertRecord, Store } from '../store/index.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { SlaClock } from './sla-clock.js';
import { SlaPolicies } from './sla-policies.js';

const silent = pino({ level: 'silent' });
const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

const acme: EvaluatedAgent = { agentId: 'agt_a', tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux', hostname: 'web-1' };
const globex: EvaluatedAgent = { agentId: 'agt_g', tenantId: 'globex', siteId: 'hq', tags: ['server'], os: 'linux', hostname: 'db-1' };
const cpuRule: RuleInput = {
  name: 'CPU pegged', metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90, clearThreshold: null, forSamples: 1,
  priority: 'P1', scope: {}, runbookId: null, enabled: true,
};
const cpu = (value: number): Sample[] => [{ metric: 'cpu.usage_pct', value, labels: {} }];

describe('SlaClock (alert service + SLA clock + SQLite file)', () => {
  let temp: ReturnType<typeof openTempStore>;
  let events: AlertEvents;
  let feed: AlertEvent[];
  let policies: SlaPolicies;
  let clock: SlaClock;
  let alerts: AlertService;
  /** Hooks run after the clock's: a stand-in for the maintenance windows. */
  let inMaintenance: string | null;

  function wire(store: Store, now = () => T0): void {
    policies = new SlaPolicies(store);
    clock = new SlaClock({ store, events, policies, log: silent, now });
    // As the collector wires them: a re-open starts the new occurrence's clocks.
    alerts = new AlertService(store, events, silent, {
      beforeOpen: [clock.beforeOpen, (record) => { record.maintenanceWindowId = inMaintenance; }],
      onReopen: [(id, at) => { clock.restart(id, at); }],
    });
  }

  /** Opens a P1 alert for the agent at `at` and returns it as stored. */
  function open(agent: EvaluatedAgent, at: number): AlertRecord {
    alerts.evaluate([{ agent, samples: cpu(99) }], at);
    const opened = feed.filter((e) => e.type === 'alert.opened').at(-1)!;
    return temp.store.alerts.get(opened.alert.id)!;
  }

  const clockFeed = () => feed
    .filter((e) => e.type === 'alert.breached' || e.type === 'alert.escalated')
    .map((e) => (e.type === 'alert.breached' ? ['breached', e.clock, e.alert.id] : ['escalated', e.level, e.alert.id]));

  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, 'agt_a', { tenantId: 'acme' });
    seedAgent(temp.store, 'agt_g', { tenantId: 'globex' });
    events = new AlertEvents();
    feed = [];
    events.subscribe((e) => feed.push(e));
    inMaintenance = null;
    wire(temp.store);
    alerts.createRule(cpuRule, T0 - H);
  });
  afterEach(() => {
    clock.stop();
    temp.cleanup();
  });

  it('stamps respondBy and resolveBy from the priority and the tenant\'s policy at the opening instant', () => {
    policies.save('acme', { priorities: { P1: { respond: '10m', resolve: '1h' } } }, T0 - H);
    expect(open(acme, T0)).toMatchObject({ openedAt: T0, respondBy: T0 + 10 * MIN, resolveBy: T0 + H, escalationLevel: 1 });
    // Another tenant keeps the defaults.
    expect(open(globex, T0 + 5)).toMatchObject({ respondBy: T0 + 5 + 15 * MIN, resolveBy: T0 + 5 + 4 * H });
  });

  it('records a respond breach at exactly respondBy when nobody acknowledged, once, and publishes it after commit', () => {
    const alert = open(acme, T0);
    clock.tick(T0 + 15 * MIN - 1);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: null, escalationLevel: 1 });
    events.subscribe((e) => {
      // Listeners see what is committed.
      if (e.type === 'alert.breached') expect(temp.store.alerts.get(e.alert.id)!.respondBreachedAt).toBe(T0 + 15 * MIN);
    });
    clock.tick(T0 + 15 * MIN + 400);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: T0 + 15 * MIN, escalationLevel: 2, escalatedAt: T0 + 15 * MIN, resolveBreachedAt: null });
    expect(clockFeed()).toEqual([['breached', 'respond', alert.id], ['escalated', 2, alert.id]]);
    const published = feed.find((e) => e.type === 'alert.breached')!;
    expect(published.alert).toMatchObject({ id: alert.id, respondBreachedAt: T0 + 15 * MIN, escalationLevel: 2 });
    clock.tick(T0 + 16 * MIN);
    expect(clockFeed()).toHaveLength(2);
  });

  it('records no respond breach when the alert was acknowledged first', () => {
    const alert = open(acme, T0);
    clock.tick(T0 + MIN);
    alerts.acknowledge(alert.id, 'alice', null, T0 + 14 * MIN);
    clock.tick(T0 + 15 * MIN);
    clock.tick(T0 + 90 * MIN);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: null, escalationLevel: 1, escalatedAt: null });
    expect(clockFeed()).toEqual([]);
  });

  it('escalates an acknowledged alert at each step\'s instant, then breaches its resolution', () => {
    const alert = open(acme, T0);
    alerts.acknowledge(alert.id, 'alice', null, T0 + MIN);
    const levelAt = (now: number) => { clock.tick(now); const a = temp.store.alerts.get(alert.id)!; return [a.escalationLevel, a.escalatedAt]; };
    expect(levelAt(T0 + 2 * H - 1)).toEqual([1, null]);
    expect(levelAt(T0 + 2 * H)).toEqual([2, T0 + 2 * H]);
    expect(levelAt(T0 + 3 * H - 1)).toEqual([2, T0 + 2 * H]);
    expect(levelAt(T0 + 3 * H + 999)).toEqual([3, T0 + 3 * H]);
    expect(levelAt(T0 + 4 * H)).toEqual([4, T0 + 4 * H]);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: null, resolveBreachedAt: T0 + 4 * H });
    expect(clockFeed()).toEqual([['escalated', 2, alert.id], ['escalated', 3, alert.id], ['breached', 'resolve', alert.id], ['escalated', 4, alert.id]]);
    // Nothing is left to do: the clock no longer looks at it.
    expect(temp.store.sla.clocks.due(T0 + 100 * H, 10)).toEqual([]);
  });

  it('escalates now when remediation failed: one level, published, and the time steps still apply afterwards', () => {
    const alert = open(acme, T0);
    alerts.acknowledge(alert.id, 'alice', null, T0 + MIN);
    clock.tick(T0 + 10 * MIN);
    expect(clock.escalateNow(alert.id, 'remediation failed', T0 + 10 * MIN)).toBe(2);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ escalationLevel: 2, escalatedAt: T0 + 10 * MIN });
    expect(clockFeed()).toEqual([['escalated', 2, alert.id]]);
    // The clock's own L2 at half the resolution target has nothing left to raise; L3 comes at its time.
    clock.tick(T0 + 2 * H);
    expect(temp.store.alerts.get(alert.id)!.escalationLevel).toBe(2);
    clock.tick(T0 + 3 * H);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ escalationLevel: 3, escalatedAt: T0 + 3 * H });
    // Nowhere to go for a resolved alert.
    alerts.resolveByHand(alert.id, 'alice', null, T0 + 3 * H + 1);
    expect(clock.escalateNow(alert.id, 'remediation failed', T0 + 3 * H + 2)).toBeNull();
    expect(clockFeed()).toEqual([['escalated', 2, alert.id], ['escalated', 3, alert.id]]);
  });

  it('catches up after downtime at start, recording what fell due at the instants it did', () => {
    const alert = open(acme, T0);
    clock.tick(T0 + MIN);
    const store = temp.reopen();
    wire(store, () => T0 + 5 * H);
    clock.start();
    expect(store.alerts.get(alert.id)).toMatchObject({
      respondBreachedAt: T0 + 15 * MIN, resolveBreachedAt: T0 + 4 * H, escalationLevel: 4, escalatedAt: T0 + 4 * H,
    });
    expect(clockFeed()).toEqual([
      ['breached', 'respond', alert.id], ['escalated', 2, alert.id], ['escalated', 3, alert.id], ['breached', 'resolve', alert.id], ['escalated', 4, alert.id],
    ]);
  });

  it('records a breach missed between two ticks by a late resolution, at its instant, without escalating', () => {
    const alert = open(acme, T0);
    alerts.acknowledge(alert.id, 'alice', null, T0 + MIN);
    clock.tick(T0 + 3 * H);
    alerts.resolveByHand(alert.id, 'alice', null, T0 + 4 * H + 300);
    clock.tick(T0 + 4 * H + 1000);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ resolveBreachedAt: T0 + 4 * H, escalationLevel: 3 });
    expect(clockFeed().at(-1)).toEqual(['breached', 'resolve', alert.id]);
  });

  it('pauses the clocks inside a maintenance window and restarts them at the release', () => {
    inMaintenance = 'mw_1';
    const alert = open(acme, T0);
    clock.tick(T0 + 5 * H);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: null, resolveBreachedAt: null, escalationLevel: 1 });
    expect(clockFeed()).toEqual([]);

    // The window ends at T0 + 6 h and the alert is still broken: released.
    const release = T0 + 6 * H;
    expect(temp.store.maintenance.release(alert.id, 'mw_1', release)).toBe(true);
    expect(clock.restart(alert.id, release)).toMatchObject({ respondBy: release + 15 * MIN, resolveBy: release + 4 * H });
    clock.tick(release + 15 * MIN - 1);
    expect(clockFeed()).toEqual([]);
    clock.tick(release + 15 * MIN);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: release + 15 * MIN, escalationLevel: 2, escalatedAt: release + 15 * MIN });
    // Escalation steps count from the release too.
    clock.tick(release + 3 * H - 1);
    expect(temp.store.alerts.get(alert.id)!.escalationLevel).toBe(2);
    clock.tick(release + 3 * H);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ escalationLevel: 3, escalatedAt: release + 3 * H });
  });

  it('applies a policy change to open alerts\' escalation from the moment it is made, keeping their deadlines', () => {
    const alert = open(acme, T0);
    alerts.acknowledge(alert.id, 'alice', null, T0 + MIN);
    clock.tick(T0 + MIN);
    const changedAt = T0 + 90 * MIN;
    policies.save('acme', { priorities: { P1: { escalateAfter: { L2: '1h' } } } }, changedAt);
    clock.tick(changedAt + 200);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ escalationLevel: 2, escalatedAt: changedAt, respondBy: T0 + 15 * MIN, resolveBy: T0 + 4 * H });
  });

  it('stamps an alert opened without SLA clocks from its opening when it first looks at it', () => {
    const bare = new AlertService(temp.store, events, silent);
    bare.evaluate([{ agent: globex, samples: cpu(99) }], T0);
    const id = feed.find((e) => e.type === 'alert.opened')!.alert.id;
    expect(temp.store.alerts.get(id)!.respondBy).toBeNull();
    clock.tick(T0 + MIN);
    expect(temp.store.alerts.get(id)).toMatchObject({ respondBy: T0 + 15 * MIN, resolveBy: T0 + 4 * H });
  });

  it('looks again at once when a lapsed acknowledgement or a re-open changes what its clocks depend on', () => {
    const lapsed = open(acme, T0);
    alerts.acknowledge(lapsed.id, 'alice', null, T0 + MIN, 5 * MIN);
    clock.tick(T0 + 2 * MIN);
    const resolved = open(globex, T0);
    alerts.acknowledge(resolved.id, 'bob', null, T0 + 2 * MIN);
    alerts.evaluate([{ agent: globex, samples: cpu(10) }], T0 + 5 * MIN);
    clock.tick(T0 + 5 * MIN + 1);
    // Nothing left before the L2 step of the one, nothing at all for the resolved one.
    expect(temp.store.sla.clocks.due(T0 + 2 * H - 1, 10)).toEqual([]);

    // The acknowledgement lapses at 6 min; the other series breaches again at 7 min and re-opens its alert.
    expect(alerts.tick(T0 + 6 * MIN)).toBe(1);
    alerts.evaluate([{ agent: globex, samples: cpu(99) }], T0 + 7 * MIN);
    expect(temp.store.alerts.get(resolved.id)).toMatchObject({ state: 'open', occurrences: 2 });
    expect(temp.store.sla.clocks.due(T0 + 7 * MIN, 10).map((c) => c.id).sort()).toEqual([lapsed.id, resolved.id].sort());
    clock.tick(T0 + 15 * MIN);
    // The lapse owes a response within 15 min of it, by 21 min; the new occurrence answers to its
    // own deadline, 15 min after the re-open.
    expect(temp.store.alerts.get(lapsed.id)).toMatchObject({ respondBreachedAt: null, escalationLevel: 1 });
    expect(temp.store.alerts.get(resolved.id)).toMatchObject({ respondBy: T0 + 22 * MIN, respondBreachedAt: null, escalationLevel: 1 });
    clock.tick(T0 + 21 * MIN);
    expect(temp.store.alerts.get(lapsed.id)).toMatchObject({ respondBreachedAt: T0 + 21 * MIN, escalationLevel: 2 });
  });

  it('after an acknowledgement lapses, owes a response within the respond target of the lapse, and no longer shows it acknowledged', () => {
    const alert = open(acme, T0);
    alerts.acknowledge(alert.id, 'alice', 'on it', T0 + MIN, 5 * MIN);
    clock.tick(T0 + 2 * MIN);
    alerts.tick(T0 + 6 * MIN);
    const reopened = feed.filter((e) => e.type === 'alert.updated').at(-1)!;
    expect(reopened.alert).toMatchObject({ id: alert.id, state: 'open', acknowledgedAt: null, acknowledgedBy: null, ackExpiresAt: null, comment: 'on it' });
    // Lapsed at 6 min: owed by 6 + 15 min, past respondBy (15 min).
    clock.tick(T0 + 21 * MIN - 1);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: null, escalationLevel: 1 });
    clock.tick(T0 + 21 * MIN);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: T0 + 21 * MIN, escalationLevel: 2, escalatedAt: T0 + 21 * MIN });
    expect(clockFeed()).toEqual([['breached', 'respond', alert.id], ['escalated', 2, alert.id]]);
  });

  it('does not breach an alert acknowledged again just after its acknowledgement lapsed past respondBy, even when looked at late', () => {
    const answered = open(acme, T0);
    const ignored = open(globex, T0);
    for (const [id, by] of [[answered.id, 'alice'], [ignored.id, 'bob']] as const) alerts.acknowledge(id, by, null, T0 + MIN, 39 * MIN);
    clock.tick(T0 + 20 * MIN);
    // Both acknowledgements lapse at 40 min, well after respondBy (15 min); one is acknowledged
    // again half a second later, before the clock looks.
    expect(alerts.tick(T0 + 40 * MIN)).toBe(2);
    alerts.acknowledge(answered.id, 'alice', null, T0 + 40 * MIN + 500);
    clock.tick(T0 + 41 * MIN);
    expect(clockFeed()).toEqual([]);
    clock.tick(T0 + 55 * MIN - 1);
    expect(temp.store.alerts.get(ignored.id)!.respondBreachedAt).toBeNull();
    clock.tick(T0 + H);
    expect(temp.store.alerts.get(answered.id)).toMatchObject({ respondBreachedAt: null, escalationLevel: 1, acknowledgedBy: 'alice' });
    // The other owed its response within 15 min of the lapse: breached at exactly 55 min, though looked at later.
    expect(temp.store.alerts.get(ignored.id)).toMatchObject({ respondBreachedAt: T0 + 55 * MIN, escalationLevel: 2, escalatedAt: T0 + 55 * MIN });
    expect(clockFeed()).toEqual([['breached', 'respond', ignored.id], ['escalated', 2, ignored.id]]);
  });

  it('breaches a re-opened alert\'s new respondBy at exactly its instant, though an earlier occurrence was acknowledged', () => {
    const alert = open(acme, T0);
    alerts.acknowledge(alert.id, 'alice', null, T0 + MIN);
    alerts.evaluate([{ agent: acme, samples: cpu(10) }], T0 + 5 * MIN);
    clock.tick(T0 + 6 * MIN);
    const reopenAt = T0 + 10 * MIN;
    alerts.evaluate([{ agent: acme, samples: cpu(99) }], reopenAt);
    expect(feed.at(-1)).toMatchObject({ type: 'alert.opened', alert: { id: alert.id, occurrences: 2, state: 'open', acknowledgedAt: null, acknowledgedBy: null, respondBy: reopenAt + 15 * MIN } });
    clock.tick(reopenAt + 15 * MIN - 1);
    expect(temp.store.alerts.get(alert.id)!.respondBreachedAt).toBeNull();
    clock.tick(reopenAt + 15 * MIN);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: reopenAt + 15 * MIN, escalationLevel: 2, escalatedAt: reopenAt + 15 * MIN });
  });

  describe('a re-opened alert whose earlier occurrence breached', () => {
    const resolvedAt = T0 + 20 * MIN;
    const reopenAt = T0 + 30 * MIN;

    /** Opened at T0, its response breached at 15 min (L2), resolved at 20 min, re-opened at 30 min. */
    function breachedThenReopened(): AlertRecord {
      const alert = open(acme, T0);
      clock.tick(T0 + 15 * MIN);
      alerts.evaluate([{ agent: acme, samples: cpu(10) }], resolvedAt);
      alerts.evaluate([{ agent: acme, samples: cpu(99) }], reopenAt);
      return temp.store.alerts.get(alert.id)!;
    }

    it('gets its own response clock, breaching at exactly its instant, recorded and sent again', () => {
      const alert = breachedThenReopened();
      expect(feed.at(-1)).toMatchObject({
        type: 'alert.opened',
        alert: { id: alert.id, occurrences: 2, respondBy: reopenAt + 15 * MIN, resolveBy: reopenAt + 4 * H, respondBreachedAt: T0 + 15 * MIN, escalationLevel: 2 },
      });
      clock.tick(reopenAt + 15 * MIN - 1);
      expect(temp.store.alerts.get(alert.id)!.respondBreachedAt).toBe(T0 + 15 * MIN);
      expect(clockFeed()).toEqual([['breached', 'respond', alert.id], ['escalated', 2, alert.id]]);
      clock.tick(reopenAt + 15 * MIN);
      expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: reopenAt + 15 * MIN, escalationLevel: 2 });
      const again = feed.filter((e) => e.type === 'alert.breached').at(-1)!;
      expect(again.alert).toMatchObject({ id: alert.id, respondBreachedAt: reopenAt + 15 * MIN });
      // Once for this occurrence too.
      clock.tick(reopenAt + H);
      expect(clockFeed()).toEqual([['breached', 'respond', alert.id], ['escalated', 2, alert.id], ['breached', 'respond', alert.id]]);
    });

    it('keeps its level and climbs the steps above it from the re-open', () => {
      const alert = breachedThenReopened();
      alerts.acknowledge(alert.id, 'alice', null, reopenAt + MIN);
      clock.tick(reopenAt + 3 * H - 1);
      expect(temp.store.alerts.get(alert.id)).toMatchObject({ escalationLevel: 2, escalatedAt: T0 + 15 * MIN, respondBreachedAt: T0 + 15 * MIN });
      clock.tick(reopenAt + 3 * H);
      expect(temp.store.alerts.get(alert.id)).toMatchObject({ escalationLevel: 3, escalatedAt: reopenAt + 3 * H });
    });

    it('is answered by an acknowledgement of the new occurrence, the earlier breach staying on the record', () => {
      const alert = breachedThenReopened();
      alerts.acknowledge(alert.id, 'alice', null, reopenAt + 15 * MIN - 1);
      clock.tick(reopenAt + H);
      expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: T0 + 15 * MIN, escalationLevel: 2 });
      expect(clockFeed()).toEqual([['breached', 'respond', alert.id], ['escalated', 2, alert.id]]);
    });

    it('gets its own resolution clock too', () => {
      const alert = open(acme, T0);
      alerts.acknowledge(alert.id, 'alice', null, T0 + MIN);
      clock.tick(T0 + 4 * H);
      alerts.evaluate([{ agent: acme, samples: cpu(10) }], T0 + 4 * H + 10 * MIN);
      const again = T0 + 4 * H + 20 * MIN;
      alerts.evaluate([{ agent: acme, samples: cpu(99) }], again);
      expect(temp.store.alerts.get(alert.id)).toMatchObject({ state: 'open', resolveBy: again + 4 * H, resolveBreachedAt: T0 + 4 * H, escalationLevel: 4 });
      alerts.acknowledge(alert.id, 'alice', null, again + MIN);
      clock.tick(again + 4 * H - 1);
      expect(temp.store.alerts.get(alert.id)!.resolveBreachedAt).toBe(T0 + 4 * H);
      clock.tick(again + 4 * H);
      expect(temp.store.alerts.get(alert.id)!.resolveBreachedAt).toBe(again + 4 * H);
      expect(clockFeed().filter(([kind, clockName]) => kind === 'breached' && clockName === 'resolve')).toEqual([
        ['breached', 'resolve', alert.id], ['breached', 'resolve', alert.id],
      ]);
    });

    it('is stamped from its re-open and breached at its instant by a clock that looks late, with no re-open hook', () => {
      const bare = new AlertService(temp.store, events, silent);
      bare.evaluate([{ agent: globex, samples: cpu(99) }], T0);
      const id = feed.find((e) => e.type === 'alert.opened')!.alert.id;
      clock.tick(T0 + 15 * MIN);
      bare.evaluate([{ agent: globex, samples: cpu(10) }], resolvedAt);
      bare.evaluate([{ agent: globex, samples: cpu(99) }], reopenAt);
      expect(temp.store.alerts.get(id)).toMatchObject({ occurrences: 2, respondBy: null, resolveBy: null, respondBreachedAt: T0 + 15 * MIN });
      clock.tick(reopenAt + H);
      expect(temp.store.alerts.get(id)).toMatchObject({ respondBy: reopenAt + 15 * MIN, resolveBy: reopenAt + 4 * H, respondBreachedAt: reopenAt + 15 * MIN });
    });
  });

  describe('paused by a maintenance window that started while the alert was open', () => {
    const pausedAt = T0 + 10 * MIN;
    const release = T0 + 70 * MIN;
    const held = release - pausedAt;

    /** As the maintenance service does it: held at the window's start, released at its end. */
    function pauseAndRelease(id: string, store: Store = temp.store): void {
      expect(store.maintenance.pause(id, 'mw_1', pausedAt, pausedAt)).toBe(true);
      clock.tick(release - 1);
      expect(store.maintenance.release(id, 'mw_1', release)).toBe(true);
      clock.restart(id, release);
    }

    it('does not breach nor escalate while held, then breaches and escalates at the instants moved by exactly the time held', () => {
      const alert = open(acme, T0);
      clock.tick(T0 + MIN);
      pauseAndRelease(alert.id);
      expect(clockFeed()).toEqual([]);
      expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBy: T0 + 15 * MIN + held, resolveBy: T0 + 4 * H + held, escalationLevel: 1 });
      clock.tick(T0 + 15 * MIN + held - 1);
      expect(clockFeed()).toEqual([]);
      clock.tick(T0 + 15 * MIN + held);
      expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: T0 + 15 * MIN + held, escalationLevel: 2, escalatedAt: T0 + 15 * MIN + held });
      // The steps moved too: L3 at 3 h of running time.
      clock.tick(T0 + 3 * H + held - 1);
      expect(temp.store.alerts.get(alert.id)!.escalationLevel).toBe(2);
      clock.tick(T0 + 3 * H + held);
      expect(temp.store.alerts.get(alert.id)).toMatchObject({ escalationLevel: 3, escalatedAt: T0 + 3 * H + held });
    });

    it('escalates an acknowledged alert at its moved steps', () => {
      const alert = open(acme, T0);
      alerts.acknowledge(alert.id, 'alice', null, T0 + MIN);
      pauseAndRelease(alert.id);
      clock.tick(T0 + 2 * H + held - 1);
      expect(temp.store.alerts.get(alert.id)).toMatchObject({ escalationLevel: 1, respondBreachedAt: null });
      clock.tick(T0 + 2 * H + held);
      expect(temp.store.alerts.get(alert.id)).toMatchObject({ escalationLevel: 2, escalatedAt: T0 + 2 * H + held, respondBreachedAt: null });
    });

    it('records at its own instant what fell due before the pause, and moves only what was still ahead', () => {
      const alert = open(acme, T0);
      const pausedLater = T0 + 20 * MIN;
      // The clock had not looked since the respond deadline passed when the window started.
      expect(temp.store.maintenance.pause(alert.id, 'mw_1', pausedLater, pausedLater)).toBe(true);
      clock.tick(T0 + H);
      expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: T0 + 15 * MIN, escalationLevel: 2, escalatedAt: T0 + 15 * MIN });
      temp.store.maintenance.release(alert.id, 'mw_1', release);
      clock.restart(alert.id, release);
      expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBy: T0 + 15 * MIN, resolveBy: T0 + 4 * H + (release - pausedLater) });
    });

    it('moves on by the time held the response window a lapse before the pause had started', () => {
      const alert = open(acme, T0);
      // Lapsed at 6 min: owed by 21 min, 11 min of which were left at the pause.
      alerts.acknowledge(alert.id, 'alice', null, T0 + MIN, 5 * MIN);
      alerts.tick(T0 + 6 * MIN);
      pauseAndRelease(alert.id);
      clock.tick(T0 + 21 * MIN + held - 1);
      expect(temp.store.alerts.get(alert.id)!.respondBreachedAt).toBeNull();
      clock.tick(T0 + 21 * MIN + held);
      expect(temp.store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: T0 + 21 * MIN + held, escalationLevel: 2 });
    });

    it('keeps the pause across a collector restart mid-window', () => {
      const alert = open(acme, T0);
      clock.tick(T0 + MIN);
      expect(temp.store.maintenance.pause(alert.id, 'mw_1', pausedAt, pausedAt)).toBe(true);
      clock.stop();
      const store = temp.reopen();
      wire(store);
      clock.tick(T0 + 5 * H);
      expect(store.alerts.get(alert.id)).toMatchObject({ respondBreachedAt: null, escalationLevel: 1 });
      store.maintenance.release(alert.id, 'mw_1', release);
      clock.restart(alert.id, release);
      expect(store.alerts.get(alert.id)).toMatchObject({ respondBy: T0 + 15 * MIN + held, resolveBy: T0 + 4 * H + held });
    });
  });

  it('looks at nothing after stop()', () => {
    const alert = open(acme, T0);
    clock.stop();
    expect(clock.tick(T0 + 5 * H)).toBe(0);
    expect(temp.store.alerts.get(alert.id)!.respondBreachedAt).toBeNull();
  });
});
