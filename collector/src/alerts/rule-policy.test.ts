import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuleInput, Sample } from '@vigil/shared';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { AlertEvents } from './alert-events.js';
import { AlertService, type EvaluatedAgent } from './alert-service.js';

const silent = pino({ level: 'silent' });
const web: EvaluatedAgent = { agentId: 'agt_web', tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux', hostname: 'web' };
const db: EvaluatedAgent = { ...web, agentId: 'agt_db', hostname: 'db' };
const busy: RuleInput = {
  name: 'CPU busy', metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90, clearThreshold: null, forSamples: 1,
  priority: 'P3', scope: { tenant: 'acme' }, runbookId: null, enabled: true,
};
const cpu = (value: number): Sample => ({ metric: 'cpu.usage_pct', value, labels: {} });

describe('AlertService: rule policies', () => {
  let temp: ReturnType<typeof openTempStore>;
  let service: AlertService;

  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, web.agentId);
    seedAgent(temp.store, db.agentId);
    service = new AlertService(temp.store, new AlertEvents(), silent);
  });
  afterEach(() => temp.cleanup());

  const unresolved = () => temp.store.alerts.listUnresolved().map((a) => a.agentId).sort();

  it('stores an alert opened under an override with the effective threshold and priority', () => {
    service.createRule({ ...busy, overrides: [{ match: { agent: db.agentId }, threshold: 95, priority: 'P1' }] }, 1);
    service.evaluate([{ agent: web, samples: [cpu(96)] }, { agent: db, samples: [cpu(96)] }], 10);
    const byAgent = Object.fromEntries(temp.store.alerts.listUnresolved().map((a) => [a.agentId, [a.threshold, a.priority]]));
    expect(byAgent).toEqual({ agt_web: [90, 'P3'], agt_db: [95, 'P1'] });
  });

  it('shows a rule created without policies with them as null, as it is stored', () => {
    expect(service.createRule(busy, 1)).toMatchObject({ exclude: null, overrides: null });
  });

  it('resolves the open alert of an agent a patch excludes, and keeps the others', () => {
    const rule = service.createRule(busy, 1);
    service.evaluate([{ agent: web, samples: [cpu(99)] }, { agent: db, samples: [cpu(99)] }], 10);
    expect(unresolved()).toEqual(['agt_db', 'agt_web']);
    const dbAlert = temp.store.alerts.listUnresolved(db.agentId)[0]!;
    service.patchRule(rule.id, { exclude: { agents: [db.agentId] } }, 20);
    expect(unresolved()).toEqual(['agt_web']);
    expect(temp.store.alerts.get(dbAlert.id)).toMatchObject({ state: 'resolved', resolvedAt: 20, resolvedBy: 'system (rule excludes agent)' });
    // And the excluded agent's breaches open nothing any more.
    service.evaluate([{ agent: db, samples: [cpu(99)] }], 30);
    expect(unresolved()).toEqual(['agt_web']);
  });

  it('resolves the open alert of an agent an override switches off, and leaves one whose threshold changed open', () => {
    const rule = service.createRule(busy, 1);
    service.evaluate([{ agent: web, samples: [cpu(99)] }, { agent: db, samples: [cpu(99)] }], 10);
    const dbAlert = temp.store.alerts.listUnresolved(db.agentId)[0]!;
    service.patchRule(rule.id, { overrides: [{ match: { agent: db.agentId }, enabled: false }, { match: { agent: web.agentId }, threshold: 95 }] }, 20);
    expect(unresolved()).toEqual(['agt_web']);
    expect(temp.store.alerts.get(dbAlert.id)).toMatchObject({ state: 'resolved', resolvedAt: 20, resolvedBy: 'system (rule excludes agent)' });
  });
});
