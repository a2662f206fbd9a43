import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MaintenanceWindowInput, RuleInput } from '@vigil/shared';
import { AlertEvents, type AlertEvent } from '../alerts/alert-events.js';
import { AlertService, type EvaluatedAgent } from '../alerts/alert-service.js';
import type { Store } from '../store/index.js';
import { SlaClock } from '../sla/sla-clock.js';
import { SlaPolicies } from '../sla/sla-policies.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { MaintenanceService } from './maintenance-service.js';

const silent = pino({ level: 'silent' });
const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.UTC(2025, 5, 1, 10, 0, 0);

const acme: EvaluatedAgent = { agentId: 'agt_a', tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux', hostname: 'web-1' };
const globex: EvaluatedAgent = { agentId: 'agt_g', tenantId: 'globex', siteId: 'hq', tags: ['server'], os: 'linux', hostname: 'db-1' };
const cpuRule: RuleInput = {
  name: 'CPU pegged', metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90, clearThreshold: null, forSamples: 1,
  priority: 'P1', scope: {}, runbookId: null, enabled: true,
};
const acmeWindow = (startsAt: number, endsAt: number, scope: MaintenanceWindowInput['scope'] = { tenant: 'acme' }): MaintenanceWindowInput =>
  ({ name: 'Patch night', scope, kind: 'once', startsAt, endsAt });

describe('MaintenanceService (alert service + maintenance windows + SQLite file, clock injected)', () => {
  let temp: ReturnType<typeof openTempStore>;
  let events: AlertEvents;
  let feed: AlertEvent[];
  let restarted: Array<[string, number]>;
  let maintenance: MaintenanceService;
  let alerts: AlertService;
  /** Ticked by hand: the SLA clock's own timer is not started. */
  let slaClock: SlaClock;

  /** As the collector wires them. */
  function wire(store: Store): void {
    slaClock = new SlaClock({ store, events, policies: new SlaPolicies(store), log: silent, now: () => Date.now() });
    maintenance = new MaintenanceService({
      store, events, log: silent, now: () => Date.now(), restartClocks: (id, at) => { restarted.push([id, at]); slaClock.restart(id, at); },
    });
    alerts = new AlertService(store, events, silent, {
      beforeOpen: [slaClock.beforeOpen, maintenance.beforeOpen], onReopen: [maintenance.onReopen, (id, at) => { slaClock.restart(id, at); }],
    });
  }

  /** The agent breaches at the current (fake) time, on one core (a series of its own); returns the alert's id. */
  function breach(agent: EvaluatedAgent, core = '0', value = 99): string {
    alerts.evaluate([{ agent, samples: [{ metric: 'cpu.usage_pct', value, labels: { core } }] }], Date.now());
    return feed.filter((e) => e.type === 'alert.opened' && e.alert.agentId === agent.agentId).at(-1)!.alert.id;
  }
  const released = () => feed.filter((e) => e.type === 'alert.released').map((e) => e.alert.id);
  const clockFeed = () => feed
    .filter((e) => e.type === 'alert.breached' || e.type === 'alert.escalated')
    .map((e) => (e.type === 'alert.breached' ? ['breached', e.clock, e.alert.id] : ['escalated', e.level, e.alert.id]));
  const pausedAt = (id: string) => temp.store.sla.clocks.clockOf(id)!.clocksPausedAt;

  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
    temp = openTempStore();
    seedAgent(temp.store, 'agt_a', { tenantId: 'acme' });
    seedAgent(temp.store, 'agt_g', { tenantId: 'globex' });
    events = new AlertEvents();
    feed = [];
    restarted = [];
    events.subscribe((e) => feed.push(e));
    wire(temp.store);
    alerts.createRule(cpuRule, T0 - MIN);
  });
  afterEach(() => {
    slaClock.stop();
    maintenance.stop();
    temp.cleanup();
    vi.useRealTimers();
  });

  it('stamps an alert opening inside a window covering its agent, and publishes it as opened', () => {
    const window = maintenance.create(acmeWindow(T0, T0 + 30 * MIN), T0);
    const held = breach(acme);
    const other = breach(globex);
    expect(temp.store.alerts.get(held)?.maintenanceWindowId).toBe(window.id);
    expect(temp.store.alerts.get(other)?.maintenanceWindowId).toBeNull();
    expect(feed.find((e) => e.type === 'alert.opened' && e.alert.id === held)?.alert.maintenanceWindowId).toBe(window.id);
  });

  it('releases at exactly the window\'s end what is still broken, restarting its clocks; what resolved inside stays quiet', () => {
    maintenance.start();
    const window = maintenance.create(acmeWindow(T0, T0 + 30 * MIN), T0);
    const stillBroken = breach(acme);
    alerts.createRule({ ...cpuRule, name: 'Memory', metric: 'mem.used_pct' }, T0);
    alerts.evaluate([{ agent: acme, samples: [{ metric: 'mem.used_pct', value: 99, labels: {} }] }], T0);
    const fixed = feed.filter((e) => e.type === 'alert.opened').at(-1)!.alert.id;
    alerts.evaluate([{ agent: acme, samples: [{ metric: 'mem.used_pct', value: 10, labels: {} }] }], T0 + MIN);

    vi.advanceTimersByTime(30 * MIN - 1);
    expect(released()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(released()).toEqual([stillBroken]);
    const event = feed.find((e) => e.type === 'alert.released')!;
    expect(event).toMatchObject({ type: 'alert.released', from: 'maintenance', alert: { id: stillBroken, maintenanceWindowId: null, state: 'open' } });
    expect(restarted).toEqual([[stillBroken, T0 + 30 * MIN]]);
    expect(temp.store.alerts.get(stillBroken)?.maintenanceWindowId).toBeNull();
    // Resolved inside: it keeps the window as history and is never released.
    expect(temp.store.alerts.get(fixed)).toMatchObject({ state: 'resolved', maintenanceWindowId: window.id });
    // Once, however long the timer runs.
    vi.advanceTimersByTime(24 * 60 * MIN);
    expect(released()).toEqual([stillBroken]);
  });

  it('releases an alert judged just before the window ended but stored after the sweep at its end', () => {
    maintenance.start();
    maintenance.create(acmeWindow(T0, T0 + 30 * MIN), T0);
    // The sweep at the end runs and finds nothing held...
    vi.advanceTimersByTime(30 * MIN);
    expect(released()).toEqual([]);
    // ...then a frame that arrived a moment before the end is evaluated: the alert is held by a window already over.
    alerts.evaluate([{ agent: acme, samples: [{ metric: 'cpu.usage_pct', value: 99, labels: { core: '0' } }] }], T0 + 30 * MIN - 5);
    const late = feed.filter((e) => e.type === 'alert.opened').at(-1)!.alert.id;
    expect(temp.store.alerts.get(late)?.maintenanceWindowId).not.toBeNull();
    vi.advanceTimersByTime(1);
    expect(released()).toEqual([late]);
    expect(temp.store.alerts.get(late)?.maintenanceWindowId).toBeNull();
  });

  it('releases at once when a window is deleted, shortened, or narrowed away from the agent', () => {
    const a = maintenance.create(acmeWindow(T0, T0 + 60 * MIN), T0);
    const first = breach(acme);
    maintenance.patch(a.id, { endsAt: T0 + MIN }, T0 + 2 * MIN);
    expect(released()).toEqual([first]);

    vi.setSystemTime(T0 + 3 * MIN);
    const b = maintenance.create(acmeWindow(T0, T0 + 60 * MIN), T0 + 3 * MIN);
    const second = breach(acme, '1');
    expect(temp.store.alerts.get(second)?.maintenanceWindowId).toBe(b.id);
    // The first alert, open again since its release, was held by the new window too.
    expect(temp.store.alerts.get(first)?.maintenanceWindowId).toBe(b.id);
    maintenance.patch(b.id, { scope: { tenant: 'globex' } }, T0 + 4 * MIN);
    expect(released()).toEqual([first, first, second]);

    vi.setSystemTime(T0 + 5 * MIN);
    const c = maintenance.create(acmeWindow(T0, T0 + 60 * MIN), T0 + 5 * MIN);
    const third = breach(acme, '2');
    expect(temp.store.alerts.get(third)?.maintenanceWindowId).toBe(c.id);
    maintenance.delete(c.id, T0 + 6 * MIN);
    expect(released()).toEqual([first, first, second, first, second, third]);
  });

  it('holds by the overlapping window that ends last, and moves the hold when that one goes first', () => {
    maintenance.start();
    const short = maintenance.create(acmeWindow(T0, T0 + 20 * MIN), T0);
    const long = maintenance.create(acmeWindow(T0, T0 + 40 * MIN, {}), T0);
    const id = breach(acme);
    expect(temp.store.alerts.get(id)?.maintenanceWindowId).toBe(long.id);

    maintenance.delete(long.id, T0 + MIN);
    expect(released()).toEqual([]);
    expect(temp.store.alerts.get(id)?.maintenanceWindowId).toBe(short.id);
    expect(feed.at(-1)).toMatchObject({ type: 'alert.updated', alert: { id, maintenanceWindowId: short.id } });

    vi.advanceTimersByTime(20 * MIN);
    expect(released()).toEqual([id]);
  });

  it('wakes at recurring boundaries computed in the window\'s time zone', () => {
    maintenance.start();
    // 12:00 in Berlin (CEST) on 1 June 2025 is 10:00 UTC = T0.
    const window = maintenance.create({ name: 'Noon', scope: {}, kind: 'recurring', cron: '0 12 * * *', durationMinutes: 15, timezone: 'Europe/Berlin' }, T0);
    const id = breach(acme);
    expect(temp.store.alerts.get(id)?.maintenanceWindowId).toBe(window.id);
    vi.advanceTimersByTime(15 * MIN - 1);
    expect(released()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(released()).toEqual([id]);
  });

  it('releases on start what a window held when it ended while the collector was down', () => {
    maintenance.create(acmeWindow(T0, T0 + 10 * MIN), T0);
    const id = breach(acme);
    maintenance.stop();
    vi.setSystemTime(T0 + 60 * MIN);
    const store = temp.reopen();
    wire(store);
    expect(released()).toEqual([]);
    maintenance.start();
    expect(released()).toEqual([id]);
    expect(restarted).toEqual([[id, T0 + 60 * MIN]]);
  });

  it('re-evaluates the hold of an alert that opens again: held inside a window, no longer by the one it resolved in', () => {
    const window = maintenance.create(acmeWindow(T0, T0 + 10 * MIN), T0);
    const id = breach(acme);
    vi.setSystemTime(T0 + 5 * MIN);
    breach(acme, '0', 10);
    expect(temp.store.alerts.get(id)).toMatchObject({ state: 'resolved', maintenanceWindowId: window.id });

    // Breaching again soon after continues the same alert; outside the window it fires as usual.
    vi.setSystemTime(T0 + 11 * MIN);
    expect(breach(acme)).toBe(id);
    expect(feed.at(-1)).toMatchObject({ type: 'alert.opened', alert: { id, state: 'open', maintenanceWindowId: null } });

    vi.setSystemTime(T0 + 12 * MIN);
    breach(acme, '0', 10);
    const next = maintenance.create(acmeWindow(T0 + 12 * MIN, T0 + 30 * MIN), T0 + 12 * MIN);
    vi.setSystemTime(T0 + 13 * MIN);
    expect(breach(acme)).toBe(id);
    expect(feed.at(-1)).toMatchObject({ type: 'alert.opened', alert: { id, maintenanceWindowId: next.id } });
  });

  describe('an alert already open when a window starts', () => {
    const startsAt = T0 + 10 * MIN;
    const endsAt = T0 + 70 * MIN;
    const held = endsAt - startsAt;

    it('is held at exactly the window\'s start, marked on the feed, and released at its end with its clocks moved by exactly the time held', () => {
      maintenance.start();
      const id = breach(acme);
      const other = breach(globex);
      slaClock.tick(T0 + MIN);
      const window = maintenance.create(acmeWindow(startsAt, endsAt), T0);
      vi.advanceTimersByTime(10 * MIN - 1);
      expect(temp.store.alerts.get(id)?.maintenanceWindowId).toBeNull();
      vi.advanceTimersByTime(1);
      expect(temp.store.alerts.get(id)?.maintenanceWindowId).toBe(window.id);
      expect(pausedAt(id)).toBe(startsAt);
      expect(feed.at(-1)).toMatchObject({ type: 'alert.updated', alert: { id, state: 'open', maintenanceWindowId: window.id } });
      expect(temp.store.alerts.get(other)?.maintenanceWindowId).toBeNull();

      // Inside: its respond deadline (15 min) and L2 step pass without a breach or an escalation.
      slaClock.tick(T0 + 69 * MIN);
      expect(clockFeed()).toEqual([['breached', 'respond', other], ['escalated', 2, other]]);
      expect(temp.store.alerts.get(id)).toMatchObject({ respondBreachedAt: null, escalationLevel: 1 });

      vi.advanceTimersByTime(60 * MIN);
      expect(released()).toEqual([id]);
      expect(feed.find((e) => e.type === 'alert.released')?.alert).toMatchObject({
        id, maintenanceWindowId: null, respondBy: T0 + 15 * MIN + held, resolveBy: T0 + 4 * H + held,
      });
      expect(pausedAt(id)).toBeNull();
      slaClock.tick(T0 + 15 * MIN + held - 1);
      expect(temp.store.alerts.get(id)!.respondBreachedAt).toBeNull();
      slaClock.tick(T0 + 15 * MIN + held);
      expect(temp.store.alerts.get(id)).toMatchObject({ respondBreachedAt: T0 + 15 * MIN + held, escalationLevel: 2, escalatedAt: T0 + 15 * MIN + held });
      slaClock.tick(T0 + 3 * H + held - 1);
      expect(temp.store.alerts.get(id)!.escalationLevel).toBe(2);
      slaClock.tick(T0 + 3 * H + held);
      expect(temp.store.alerts.get(id)).toMatchObject({ escalationLevel: 3, escalatedAt: T0 + 3 * H + held });
    });

    it('stays quiet when it resolved inside the window', () => {
      maintenance.start();
      const id = breach(acme);
      maintenance.create(acmeWindow(startsAt, endsAt), T0);
      vi.advanceTimersByTime(20 * MIN);
      breach(acme, '0', 10);
      expect(temp.store.alerts.get(id)).toMatchObject({ state: 'resolved' });
      vi.advanceTimersByTime(60 * MIN);
      expect(released()).toEqual([]);
      slaClock.tick(T0 + 10 * H);
      expect(clockFeed()).toEqual([]);
    });

    it('keeps its pause across a collector restart mid-window', () => {
      maintenance.start();
      const id = breach(acme);
      maintenance.create(acmeWindow(startsAt, endsAt), T0);
      vi.advanceTimersByTime(30 * MIN);
      expect(pausedAt(id)).toBe(startsAt);
      maintenance.stop();
      slaClock.stop();
      const store = temp.reopen();
      wire(store);
      maintenance.start();
      slaClock.tick(Date.now());
      expect(store.sla.clocks.clockOf(id)!.clocksPausedAt).toBe(startsAt);
      vi.advanceTimersByTime(40 * MIN);
      expect(released()).toEqual([id]);
      expect(store.alerts.get(id)).toMatchObject({ respondBy: T0 + 15 * MIN + held, resolveBy: T0 + 4 * H + held, respondBreachedAt: null });
    });

    it('is held from the window\'s start when the collector was down then, from after what its clocks recorded meanwhile', () => {
      const id = breach(acme);
      const acked = breach(acme, '1');
      alerts.acknowledge(acked, 'alice', null, T0 + MIN);
      maintenance.create(acmeWindow(startsAt, endsAt), T0);
      maintenance.stop();
      vi.setSystemTime(T0 + 40 * MIN);
      const store = temp.reopen();
      wire(store);
      // As at the collector's start: the SLA clock catches up first (the respond breach at 15 min, inside the window).
      slaClock.tick(Date.now());
      maintenance.start();
      expect(store.sla.clocks.clockOf(acked)!.clocksPausedAt).toBe(startsAt);
      expect(store.sla.clocks.clockOf(id)!.clocksPausedAt).toBe(T0 + 15 * MIN);
    });

    it('moves with the hold to an overlapping window that ends later, paused from the first one\'s start', () => {
      maintenance.start();
      const id = breach(acme);
      const first = maintenance.create(acmeWindow(startsAt, T0 + 40 * MIN), T0);
      const second = maintenance.create(acmeWindow(T0 + 30 * MIN, endsAt, {}), T0);
      vi.advanceTimersByTime(10 * MIN);
      expect(temp.store.alerts.get(id)?.maintenanceWindowId).toBe(first.id);
      vi.advanceTimersByTime(20 * MIN);
      expect(temp.store.alerts.get(id)?.maintenanceWindowId).toBe(second.id);
      expect(pausedAt(id)).toBe(startsAt);
      vi.advanceTimersByTime(40 * MIN);
      expect(released()).toEqual([id]);
      expect(temp.store.alerts.get(id)).toMatchObject({ respondBy: T0 + 15 * MIN + held });
    });

    it('is held from a window\'s creation when it is created already started, and released with the time held when it is deleted', () => {
      const id = breach(acme);
      vi.setSystemTime(T0 + 5 * MIN);
      const window = maintenance.create(acmeWindow(T0 - H, T0 + H), T0 + 5 * MIN);
      expect(temp.store.alerts.get(id)?.maintenanceWindowId).toBe(window.id);
      expect(pausedAt(id)).toBe(T0 + 5 * MIN);
      vi.setSystemTime(T0 + 25 * MIN);
      maintenance.delete(window.id, T0 + 25 * MIN);
      expect(released()).toEqual([id]);
      expect(temp.store.alerts.get(id)).toMatchObject({ respondBy: T0 + 35 * MIN, resolveBy: T0 + 4 * H + 20 * MIN });
    });
  });

  it('stops its timer on stop()', () => {
    maintenance.start();
    maintenance.create(acmeWindow(T0, T0 + 10 * MIN), T0);
    breach(acme);
    expect(vi.getTimerCount()).toBe(1);
    maintenance.stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60 * MIN);
    expect(released()).toEqual([]);
  });
});
