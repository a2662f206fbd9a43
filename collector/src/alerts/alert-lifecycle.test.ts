import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RuleInputSchema, type RuleInput, type Sample } from '@vigil/shared';
import { OFFLINE_RULE_ID } from '../rules/index.js';
import { openAlertHarness, silentLog } from '../testing/alert-harness.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { AlertEvents, type AlertEvent } from './alert-events.js';
import { AlertService, type EvaluatedAgent } from './alert-service.js';

const silent = silentLog;
const T0 = 1_700_000_000_000;
const S = 1_000;
const M = 60_000;
const H = 3_600_000;
const agent: EvaluatedAgent = { agentId: 'agt_a', tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux', hostname: 'web-1' };
const cpuBusy: RuleInput = {
  name: 'CPU busy', metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90, clearThreshold: null, forSamples: 1,
  priority: 'P2', scope: {}, runbookId: null, enabled: true,
};
const cpu = (value: number): Sample => ({ metric: 'cpu.usage_pct', value });

describe('alert lifecycle (service + store)', () => {
  let temp: ReturnType<typeof openTempStore>;
  let events: AlertEvents;
  let seen: AlertEvent[];
  let service: AlertService;
  const at = (now: number, value: number, who = agent): void => service.evaluate([{ agent: who, samples: [cpu(value)] }], now);
  const kinds = (): string[] => seen.map((e) => e.type);

  beforeEach(() => {
    ({ temp, events, seen, service } = openAlertHarness([{ agentId: 'agt_a', hostname: 'web-1' }]));
  });
  afterEach(() => {
    service.stop();
    temp.cleanup();
  });

  describe('rule fields', () => {
    it('stores for, holdFor, reopenWithin and the flap thresholds, null when not given, and clears them with null', () => {
      const plain = service.createRule(cpuBusy, 1);
      expect(plain).toMatchObject({ for: null, holdFor: null, reopenWithin: null, flapHighThreshold: null, flapLowThreshold: null });
      const full = service.createRule({ ...cpuBusy, for: '5m', holdFor: '10m', reopenWithin: '30m', flapHighThreshold: 40, flapLowThreshold: 20 }, 2);
      const reloaded = new AlertService(temp.reopen(), events, silent);
      expect(reloaded.getRule(full.id)).toEqual(full);
      expect(reloaded.getRule(plain.id)).toEqual(plain);
      expect(reloaded.patchRule(full.id, { for: null, flapLowThreshold: null }, 3)).toMatchObject({ for: null, holdFor: '10m', flapLowThreshold: null });
    });

    it('refuses a low flap threshold above the high one, counting the defaults', () => {
      expect(RuleInputSchema.safeParse({ ...cpuBusy, flapLowThreshold: 60 }).error?.issues[0]).toMatchObject({ path: ['flapLowThreshold'] });
      expect(RuleInputSchema.safeParse({ ...cpuBusy, flapHighThreshold: 20 }).success).toBe(false);
      expect(RuleInputSchema.safeParse({ ...cpuBusy, flapHighThreshold: 20, flapLowThreshold: 20 }).success).toBe(true);
      const rule = service.createRule({ ...cpuBusy, flapHighThreshold: 30, flapLowThreshold: 10 }, 1);
      expect(() => service.patchRule(rule.id, { flapLowThreshold: 40 }, 2)).toThrow(/flapLowThreshold must not exceed flapHighThreshold/);
    });

    it('refuses for and holdFor on the computed agent.online metric, whose next sample only comes with the next change', () => {
      expect(() => service.patchRule(OFFLINE_RULE_ID, { for: '1m' }, 1)).toThrow(/for: agent.online/);
      expect(() => service.patchRule(OFFLINE_RULE_ID, { holdFor: '1m' }, 1)).toThrow(/holdFor: agent.online/);
      expect(service.patchRule(OFFLINE_RULE_ID, { for: '0s', reopenWithin: '1h' }, 1)).toMatchObject({ for: '0s', reopenWithin: '1h' });
    });
  });

  describe('for and holdFor', () => {
    it('opens at the instant the condition has held for `for`, and resolves once clear for holdFor', () => {
      service.createRule({ ...cpuBusy, for: '5m', holdFor: '10m' }, 1);
      at(T0, 95);
      at(T0 + 5 * M - 1, 95);
      expect(kinds()).toEqual([]);
      at(T0 + 5 * M, 96);
      expect(seen[0]!.alert).toMatchObject({ openedAt: T0 + 5 * M, openValue: 96 });
      at(T0 + 6 * M, 50);
      at(T0 + 16 * M - 1, 50);
      expect(kinds()).toEqual(['alert.opened']);
      expect(temp.store.alerts.get(seen[0]!.alert.id)).toMatchObject({ state: 'open', value: 50, updatedAt: T0 + 16 * M - 1 });
      at(T0 + 16 * M, 40);
      expect(kinds()).toEqual(['alert.opened', 'alert.resolved']);
      expect(seen[1]!.alert).toMatchObject({ resolvedAt: T0 + 16 * M, resolvedBy: 'auto', value: 40 });
    });

    it('a breach within the hold keeps the same alert with no new one', () => {
      service.createRule({ ...cpuBusy, holdFor: '10m' }, 1);
      at(T0, 95);
      at(T0 + M, 50);
      at(T0 + 5 * M, 97);
      at(T0 + 6 * M, 50);
      at(T0 + 15 * M, 50);
      expect(kinds()).toEqual(['alert.opened']);
      expect(temp.store.alerts.list()).toHaveLength(1);
      at(T0 + 16 * M, 50);
      expect(kinds()).toEqual(['alert.opened', 'alert.resolved']);
      expect(seen[1]!.alert.resolvedAt).toBe(T0 + 16 * M);
    });
  });

  describe('re-open continuation', () => {
    it('re-opens the same alert when the series breaches again within reopenWithin (default 15m) of its resolution', () => {
      service.createRule(cpuBusy, 1);
      at(T0, 95);
      at(T0 + M, 50);
      const first = seen[0]!.alert;
      at(T0 + 16 * M, 97);
      expect(kinds()).toEqual(['alert.opened', 'alert.resolved', 'alert.opened']);
      expect(seen[2]!.alert).toMatchObject({
        id: first.id, state: 'open', occurrences: 2, openValue: 97, value: 97, openedAt: T0, updatedAt: T0 + 16 * M,
        resolvedAt: null, resolvedBy: null,
      });
      expect(temp.store.alerts.list()).toHaveLength(1);
      // Its next resolution and a third breach, still in time, continue it again.
      at(T0 + 17 * M, 50);
      at(T0 + 20 * M, 99);
      expect(temp.store.alerts.get(first.id)).toMatchObject({ state: 'open', occurrences: 3, openValue: 99 });
    });

    it('opens a new alert once the window has passed', () => {
      service.createRule(cpuBusy, 1);
      at(T0, 95);
      at(T0 + M, 50);
      at(T0 + 16 * M + 1, 97);
      const opened = seen.filter((e) => e.type === 'alert.opened').map((e) => e.alert);
      expect(opened.map((a) => a.occurrences)).toEqual([1, 1]);
      expect(opened[1]!.id).not.toBe(opened[0]!.id);
      expect(temp.store.alerts.list({ state: 'resolved' }).map((a) => a.id)).toEqual([opened[0]!.id]);
    });

    it('follows the rule\'s reopenWithin; "0s" never continues', () => {
      const rule = service.createRule({ ...cpuBusy, reopenWithin: '1h' }, 1);
      at(T0, 95);
      at(T0 + M, 50);
      at(T0 + M + H, 95);
      expect(temp.store.alerts.list()).toHaveLength(1);
      service.patchRule(rule.id, { reopenWithin: '0s' }, 2);
      at(T0 + 2 * H, 50);
      at(T0 + 2 * H + 1, 95);
      expect(temp.store.alerts.list()).toHaveLength(2);
    });

    it('measures from when the breach began, so a long `for` can still continue a recent alert', () => {
      service.createRule({ ...cpuBusy, for: '30m' }, 1);
      at(T0, 95);
      at(T0 + 30 * M, 95);
      at(T0 + 31 * M, 50);
      at(T0 + 32 * M, 95);
      at(T0 + 62 * M, 95);
      expect(temp.store.alerts.list()).toHaveLength(1);
      expect(seen.at(-1)).toMatchObject({ type: 'alert.opened', alert: { occurrences: 2, updatedAt: T0 + 62 * M } });
    });

    it('continues an alert resolved or acknowledged by hand as a new occurrence, unacknowledged', () => {
      service.createRule({ ...cpuBusy, forSamples: 2 }, 1);
      at(T0, 95);
      at(T0 + S, 95);
      const id = seen[0]!.alert.id;
      service.acknowledge(id, 'alice', 'looking', T0 + 2 * S, H);
      service.resolveByHand(id, 'alice', 'restarted the service', T0 + 3 * S);
      // A hand resolve restarts the streak: forSamples breaches again.
      at(T0 + 4 * S, 95);
      expect(temp.store.alerts.get(id)!.state).toBe('resolved');
      at(T0 + 5 * S, 95);
      expect(temp.store.alerts.get(id)).toMatchObject({
        state: 'open', occurrences: 2, ackExpiresAt: null, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, comment: 'restarted the service',
      });
      // The next acknowledgement can be given as for any open alert.
      expect(service.acknowledge(id, 'bob', null, T0 + 6 * S)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'bob' });
    });

    it('re-opens with the rule as it is now', () => {
      const rule = service.createRule(cpuBusy, 1);
      at(T0, 95);
      at(T0 + M, 50);
      service.patchRule(rule.id, { name: 'CPU saturated', threshold: 92, priority: 'P1' }, T0 + 2 * M);
      at(T0 + 3 * M, 97);
      expect(seen.at(-1)!.alert).toMatchObject({ ruleName: 'CPU saturated', threshold: 92, priority: 'P1', occurrences: 2 });
    });

    it('re-opening an offline alert suppresses the agent\'s other alerts again', () => {
      service.createRule(cpuBusy, 1);
      at(T0, 95);
      const busy = seen[0]!.alert.id;
      service.evaluatePresence(agent, false, T0 + M);
      const offline = seen.find((e) => e.alert.metric === 'agent.online')!.alert.id;
      service.evaluatePresence(agent, true, T0 + 2 * M);
      expect(temp.store.alerts.get(busy)!.suppressedBy).toBeNull();
      seen.length = 0;
      service.evaluatePresence(agent, false, T0 + 3 * M);
      expect(seen.map((e) => [e.type, e.alert.id, e.alert.suppressedBy])).toEqual([['alert.opened', offline, null], ['alert.updated', busy, offline]]);
      expect(temp.store.alerts.get(offline)).toMatchObject({ state: 'open', occurrences: 2, openValue: 0 });
      // Suppressed, it still does not auto-resolve; the agent's return lifts it and the alert resolves as usual.
      at(T0 + 4 * M, 50);
      expect(temp.store.alerts.get(busy)!.state).toBe('open');
      service.evaluatePresence(agent, true, T0 + 5 * M);
      at(T0 + 6 * M, 50);
      expect(temp.store.alerts.get(busy)).toMatchObject({ state: 'resolved', suppressedBy: null, resolvedAt: T0 + 6 * M });
    });

    it('an alert re-opened while its agent is offline carries the suppression', () => {
      service.createRule(cpuBusy, 1);
      at(T0, 95);
      at(T0 + M, 50);
      service.evaluatePresence(agent, false, T0 + 2 * M);
      const offline = seen.find((e) => e.alert.metric === 'agent.online')!.alert.id;
      at(T0 + 3 * M, 97);
      expect(seen.at(-1)).toMatchObject({ type: 'alert.opened', alert: { metric: 'cpu.usage_pct', occurrences: 2, suppressedBy: offline } });
    });
  });

  describe('acknowledgement expiry', () => {
    const openOne = (): string => {
      service.createRule(cpuBusy, 1);
      at(T0, 95);
      return seen[0]!.alert.id;
    };

    it('falls back to open and unacknowledged at the expiry instant, published as alert.updated', () => {
      const id = openOne();
      expect(service.acknowledge(id, 'alice', 'on it', T0 + M, 2 * H)).toMatchObject({ state: 'acknowledged', ackExpiresAt: T0 + M + 2 * H });
      seen.length = 0;
      expect(service.tick(T0 + M + 2 * H - 1)).toBe(0);
      expect(seen).toEqual([]);
      // A tick that comes late records the fall-back when it happened.
      expect(service.tick(T0 + 3 * H)).toBe(1);
      expect(seen).toEqual([{ type: 'alert.updated', alert: expect.objectContaining({ id, state: 'open', ackExpiresAt: null, updatedAt: T0 + M + 2 * H, acknowledgedAt: null, acknowledgedBy: null, comment: 'on it' }) }]);
      expect(service.tick(T0 + 4 * H)).toBe(0);
      expect(service.acknowledge(id, 'bob', null, T0 + 4 * H)).toMatchObject({ state: 'acknowledged', ackExpiresAt: null });
    });

    it('never lapses without an expiry, nor once the alert is resolved', () => {
      const id = openOne();
      service.acknowledge(id, 'alice', null, T0 + M);
      expect(temp.store.alerts.get(id)!.ackExpiresAt).toBeNull();
      expect(service.tick(T0 + 1000 * H)).toBe(0);
      at(T0 + 2 * H, 50);
      at(T0 + 30 * 24 * H, 95);
      const second = seen.at(-1)!.alert.id;
      service.acknowledge(second, 'alice', null, T0 + 30 * 24 * H + 1, M);
      service.resolveByHand(second, 'alice', null, T0 + 30 * 24 * H + 2);
      seen.length = 0;
      expect(service.tick(T0 + 31 * 24 * H)).toBe(0);
      expect(seen).toEqual([]);
      expect(temp.store.alerts.get(second)!.state).toBe('resolved');
    });

    it('runs on a timer from start() until stop()', () => {
      vi.useFakeTimers();
      try {
        let clock = T0 + M;
        const id = openOne();
        service.acknowledge(id, 'alice', null, clock, 5 * S);
        service.start(() => clock, 1000);
        clock += 5 * S;
        vi.advanceTimersByTime(1000);
        expect(temp.store.alerts.get(id)).toMatchObject({ state: 'open', updatedAt: T0 + M + 5 * S });
        service.acknowledge(id, 'alice', null, clock, 5 * S);
        service.stop();
        clock += 10 * S;
        vi.advanceTimersByTime(10_000);
        expect(temp.store.alerts.get(id)!.state).toBe('acknowledged');
        expect(service.tick(clock)).toBe(0);
      } finally {
        vi.useRealTimers();
      }
    });
  });

  describe('flapping', () => {
    const alternate = (from: number, count: number): void => {
      for (let i = from; i < from + count; i += 1) at(T0 + i * S, i % 2 === 0 ? 95 : 50);
    };

    it('marks an open alert flapping and back, each change published as alert.updated, and settling still firing as alert.released', () => {
      // Held open throughout by the hold time, so every change of flag is an update of one alert.
      service.createRule({ ...cpuBusy, holdFor: '1h' }, 1);
      alternate(0, 8);
      expect(kinds()).toEqual(['alert.opened']);
      alternate(8, 1);
      const id = seen[0]!.alert.id;
      expect(seen.slice(1)).toEqual([{ type: 'alert.updated', alert: expect.objectContaining({ id, flapping: true, updatedAt: T0 + 8 * S }) }]);
      alternate(9, 3);
      for (let i = 12; i < 27; i += 1) at(T0 + i * S, 95);
      expect(kinds()).toEqual(['alert.opened', 'alert.updated']);
      at(T0 + 27 * S, 95);
      // It stopped flapping while still open: from now on it notifies again, so the release is news.
      const settled = expect.objectContaining({ id, flapping: false, state: 'open', updatedAt: T0 + 27 * S });
      expect(seen.slice(2)).toEqual([{ type: 'alert.updated', alert: settled }, { type: 'alert.released', alert: settled, from: 'flapping' }]);
      expect(temp.store.alerts.get(id)!.flapping).toBe(false);
    });

    it('an alert that re-opens while its series flaps opens flapping', () => {
      service.createRule(cpuBusy, 1);
      alternate(0, 9);
      const opened = seen.filter((e) => e.type === 'alert.opened').map((e) => [e.alert.occurrences, e.alert.flapping]);
      expect(opened).toEqual([[1, false], [2, false], [3, false], [4, false], [5, true]]);
      expect(temp.store.alerts.list()).toHaveLength(1);
    });

    it('a flapping alert stays flapping across a restart, rather than stopping at the next sample', () => {
      service.createRule({ ...cpuBusy, holdFor: '1h' }, 1);
      alternate(0, 9);
      const id = seen[0]!.alert.id;
      expect(temp.store.alerts.get(id)!.flapping).toBe(true);
      const restarted = new AlertService(temp.reopen(), events, silent);
      seen.length = 0;
      for (let i = 0; i < 14; i += 1) restarted.evaluate([{ agent, samples: [cpu(95)] }], T0 + (20 + i) * S);
      expect(seen).toEqual([]);
      restarted.evaluate([{ agent, samples: [cpu(95)] }], T0 + 34 * S);
      const settled = expect.objectContaining({ id, flapping: false });
      expect(seen).toEqual([{ type: 'alert.updated', alert: settled }, { type: 'alert.released', alert: settled, from: 'flapping' }]);
    });
  });
});
