import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuleInput, Sample } from '@vigil/shared';
import { OFFLINE_RULE_ID } from '../rules/index.js';
import { openAlertHarness, silentLog } from '../testing/alert-harness.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { AlertEvents, type AlertEvent } from './alert-events.js';
import { AlertService, type EvaluatedAgent } from './alert-service.js';

const silent = silentLog;
const agent: EvaluatedAgent = { agentId: 'agt_a', tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux', hostname: 'web-1' };
const rootDisk: RuleInput = {
  name: 'Root disk', metric: 'disk.used_pct', labels: {}, op: '>', threshold: 90, clearThreshold: 85, forSamples: 2,
  priority: 'P2', scope: { tenant: 'acme' }, runbookId: null, enabled: true,
};
const disk = (value: number, mount = '/'): Sample => ({ metric: 'disk.used_pct', value, labels: { mount } });

describe('AlertService (rule engine + store + events)', () => {
  let temp: ReturnType<typeof openTempStore>;
  let events: AlertEvents;
  let seen: AlertEvent[];
  let service: AlertService;

  beforeEach(() => {
    ({ temp, events, seen, service } = openAlertHarness([{ agentId: 'agt_a', hostname: 'web-1' }]));
  });
  afterEach(() => temp.cleanup());

  it('opens one stored alert per label set after forSamples breaches, and publishes it after commit', () => {
    const rule = service.createRule(rootDisk, 1);
    // The listener sees the alert already stored: events go out only after the transaction.
    events.subscribe((e) => expect(temp.store.alerts.get(e.alert.id)).toBeDefined());
    service.evaluate([{ agent, samples: [disk(95), disk(99, '/data')] }], 10);
    expect(seen).toEqual([]);
    service.evaluate([{ agent, samples: [disk(96), disk(99, '/data')] }], 20);
    expect(seen.map((e) => [e.type, e.alert.labels.mount])).toEqual([['alert.opened', '/'], ['alert.opened', '/data']]);
    expect(seen[0]!.alert).toMatchObject({ ruleId: rule.id, ruleName: 'Root disk', hostname: 'web-1', tenantId: 'acme', siteId: 'hq', priority: 'P2', openValue: 96, openedAt: 20, state: 'open' });
    service.evaluate([{ agent, samples: [disk(97)] }], 30);
    expect(seen).toHaveLength(2);
    expect(temp.store.alerts.get(seen[0]!.alert.id)).toMatchObject({ value: 97, updatedAt: 30 });
  });

  it('auto-resolves past the clear threshold, not before', () => {
    service.createRule({ ...rootDisk, forSamples: 1 }, 1);
    service.evaluate([{ agent, samples: [disk(95)] }], 10);
    service.evaluate([{ agent, samples: [disk(88)] }], 20);
    expect(seen.map((e) => e.type)).toEqual(['alert.opened']);
    service.evaluate([{ agent, samples: [disk(85)] }], 30);
    expect(seen.map((e) => e.type)).toEqual(['alert.opened', 'alert.resolved']);
    expect(seen[1]!.alert).toMatchObject({ state: 'resolved', resolvedBy: 'auto', resolvedAt: 30, value: 85 });
  });

  it('continues the same open alert after a restart instead of opening a duplicate', () => {
    service.createRule({ ...rootDisk, forSamples: 1 }, 1);
    service.evaluate([{ agent, samples: [disk(95)] }], 10);
    const restarted = new AlertService(temp.reopen(), events, silent);
    restarted.evaluate([{ agent, samples: [disk(96)] }], 20);
    restarted.evaluate([{ agent, samples: [disk(50)] }], 30);
    expect(seen.map((e) => e.type)).toEqual(['alert.opened', 'alert.resolved']);
    expect(temp.store.alerts.list()).toHaveLength(1);
  });

  it('acknowledges with who and why, and a hand resolve needs fresh breaches to re-open', () => {
    service.createRule({ ...rootDisk, forSamples: 2 }, 1);
    service.evaluate([{ agent, samples: [disk(95)] }], 10);
    service.evaluate([{ agent, samples: [disk(95)] }], 20);
    const id = seen[0]!.alert.id;
    expect(service.acknowledge(id, 'alice', 'on it', 25)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'alice', acknowledgedAt: 25, comment: 'on it' });
    expect(() => service.acknowledge(id, 'bob', null, 26)).toThrow(/only open alerts/);
    expect(service.resolveByHand(id, 'alice', null, 30)).toMatchObject({ state: 'resolved', resolvedBy: 'alice' });
    service.evaluate([{ agent, samples: [disk(95)] }], 40);
    expect(seen.filter((e) => e.type === 'alert.opened')).toHaveLength(1);
    service.evaluate([{ agent, samples: [disk(95)] }], 50);
    expect(seen.filter((e) => e.type === 'alert.opened')).toHaveLength(2);
  });

  it('keeps the comment given with a hand resolve, and the acknowledgement\'s when none is given', () => {
    service.createRule({ ...rootDisk, forSamples: 1 }, 1);
    service.evaluate([{ agent, samples: [disk(95)] }], 10);
    const first = seen[0]!.alert.id;
    expect(service.resolveByHand(first, 'alice', 'freed 20 GB of logs', 20)).toMatchObject({ state: 'resolved', comment: 'freed 20 GB of logs' });
    service.evaluate([{ agent, samples: [disk(95)] }], 30);
    const second = seen.filter((e) => e.type === 'alert.opened')[1]!.alert.id;
    service.acknowledge(second, 'bob', 'looking', 35);
    expect(service.resolveByHand(second, 'bob', null, 40)).toMatchObject({ state: 'resolved', resolvedBy: 'bob', comment: 'looking' });
  });

  it('closes a rule\'s alerts when it is disabled or deleted, and validates patches as a whole', () => {
    const rule = service.createRule({ ...rootDisk, forSamples: 1 }, 1);
    service.evaluate([{ agent, samples: [disk(95)] }], 10);
    expect(() => service.patchRule(rule.id, { clearThreshold: 95 }, 11)).toThrow(/clearThreshold must not lie beyond threshold/);
    service.patchRule(rule.id, { enabled: false }, 12);
    expect(seen.map((e) => e.type)).toEqual(['alert.opened', 'alert.resolved']);
    expect(seen[1]!.alert.resolvedBy).toBe('system (rule disabled)');
    service.evaluate([{ agent, samples: [disk(99)] }], 20);
    expect(seen).toHaveLength(2);
    service.deleteRule(rule.id, 30);
    // The built-in offline rule is all that is left.
    expect(service.listRules().map((r) => r.id)).toEqual([OFFLINE_RULE_ID]);
    expect(temp.store.rules.list().map((r) => r.id)).toEqual([OFFLINE_RULE_ID]);
  });

  it('resolves every unresolved alert of a revoked agent, offline alert last, and evaluates nothing of it afterwards', () => {
    seedAgent(temp.store, 'agt_b');
    const other: EvaluatedAgent = { ...agent, agentId: 'agt_b', hostname: 'agt_b-host' };
    service.createRule({ ...rootDisk, forSamples: 1 }, 1);
    service.evaluate([{ agent, samples: [disk(95), disk(96, '/data')] }, { agent: other, samples: [disk(97)] }], 10);
    service.evaluatePresence(agent, false, 20);
    const offlineId = seen.find((e) => e.alert.metric === 'agent.online')!.alert.id;
    service.acknowledge(seen.find((e) => e.alert.labels.mount === '/data')!.alert.id, 'alice', null, 25);
    seen.length = 0;

    expect(temp.store.transaction(() => service.resolveAgentAlerts('agt_a', 'admin (agent revoked)', 30))).toBe(3);
    expect(seen.map((e) => [e.type, e.alert.metric, e.alert.resolvedBy])).toEqual([
      ['alert.resolved', 'disk.used_pct', 'admin (agent revoked)'],
      ['alert.resolved', 'disk.used_pct', 'admin (agent revoked)'],
      ['alert.resolved', 'agent.online', 'admin (agent revoked)'],
    ]);
    expect(seen.at(-1)!.alert).toMatchObject({ id: offlineId, state: 'resolved', resolvedAt: 30 });
    expect(temp.store.alerts.list({ state: 'active' }).map((a) => a.agentId)).toEqual(['agt_b']);

    // Frames of the revoked agent still queued, and a late presence change, open nothing.
    service.evaluate([{ agent, samples: [disk(99)] }], 40);
    service.evaluatePresence(agent, true, 40);
    service.evaluatePresence(agent, false, 50);
    expect(seen).toHaveLength(3);
    expect(temp.store.alerts.list({ state: 'active' }).map((a) => a.agentId)).toEqual(['agt_b']);
  });

  it('publishes nothing and keeps every alert when the revocation around the resolution rolls back', () => {
    service.createRule({ ...rootDisk, forSamples: 1 }, 1);
    service.evaluate([{ agent, samples: [disk(95)] }], 10);
    service.evaluatePresence(agent, false, 20);
    seen.length = 0;
    expect(() => temp.store.transaction(() => {
      service.resolveAgentAlerts('agt_a', 'admin (agent revoked)', 30);
      throw new Error('revocation failed');
    })).toThrow('revocation failed');
    expect(seen).toEqual([]);
    expect(temp.store.alerts.list({ state: 'active' })).toHaveLength(2);
    // Still watched as before: the agent's return resolves the offline alert as usual.
    service.evaluatePresence(agent, true, 40);
    expect(seen.map((e) => [e.type, e.alert.metric])).toEqual([['alert.resolved', 'agent.online'], ['alert.updated', 'disk.used_pct'], ['alert.released', 'disk.used_pct']]);
  });

  it('refuses a rule naming a runbook that does not exist', () => {
    expect(() => service.createRule({ ...rootDisk, runbookId: 'rbk_missing' }, 1)).toThrow(/runbook rbk_missing does not exist/);
  });
});
