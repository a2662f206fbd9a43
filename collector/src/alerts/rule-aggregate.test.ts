import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuleInput, Sample } from '@vigil/shared';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { AlertEvents } from './alert-events.js';
import { AlertService, type EvaluatedAgent } from './alert-service.js';

const silent = pino({ level: 'silent' });
const web: EvaluatedAgent = { agentId: 'agt_web', tenantId: 'acme', siteId: 'hq', tags: [], os: 'linux', hostname: 'web' };
const busy: RuleInput = {
  name: 'CPU busy', metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90, clearThreshold: null, forSamples: 1,
  priority: 'P3', scope: {}, runbookId: null, enabled: true, aggregate: 'avg', window: '5m',
};
const cpu = (value: number): Sample => ({ metric: 'cpu.usage_pct', value, labels: {} });
const MIN = 60_000;

describe('AlertService: aggregated rules', () => {
  let temp: ReturnType<typeof openTempStore>;
  let service: AlertService;

  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, web.agentId);
    service = new AlertService(temp.store, new AlertEvents(), silent);
  });
  afterEach(() => temp.cleanup());

  it('stores the average as the alert value', () => {
    service.createRule(busy, 1);
    service.evaluate([{ agent: web, samples: [cpu(80)] }], MIN);
    service.evaluate([{ agent: web, samples: [cpu(110)] }], 2 * MIN);
    expect(temp.store.alerts.listUnresolved()).toMatchObject([{ value: 95 }]);
  });

  it('resolves the alert and restarts the window when a patch changes the aggregate or window, not the threshold', () => {
    const rule = service.createRule(busy, 1);
    const open = () => temp.store.alerts.listUnresolved().filter((a) => a.ruleId === rule.id);
    const { aggregate: _aggregate, window: _window, ...plain } = busy;
    expect(service.createRule({ ...plain, metric: 'mem.used_pct' }, 1)).toMatchObject({ aggregate: null, window: null });
    service.evaluate([{ agent: web, samples: [cpu(100)] }], MIN);
    service.patchRule(rule.id, { threshold: 95 }, 2 * MIN);
    expect(open()).toHaveLength(1);
    service.patchRule(rule.id, { window: '10m' }, 3 * MIN);
    expect(open()).toHaveLength(0);
    // Had the 100 stayed in the window the average would be 97.5 and open again.
    service.evaluate([{ agent: web, samples: [cpu(95)] }], 4 * MIN);
    expect(open()).toHaveLength(0);
  });
});
