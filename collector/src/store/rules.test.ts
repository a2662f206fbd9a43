import { afterEach, describe, expect, it } from 'vitest';
import { RuleSchema, type Rule } from '@vigil/shared';
import { openTempStore } from '../testing/temp-store.js';

const rule: Rule = RuleSchema.parse({
  id: 'rul_1', name: 'CPU busy', metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90, clearThreshold: 85,
  forSamples: 1, priority: 'P3', scope: { tenant: 'acme', agents: ['agt_a', 'agt_b'] }, runbookId: null, enabled: true,
  createdAt: 1, updatedAt: 1,
  exclude: { agents: ['agt_noisy'], sites: ['lab'], tags: ['test'] },
  overrides: [{ match: { site: 'hq' }, threshold: 95, priority: 'P2' }, { match: { agent: 'agt_b' }, clearThreshold: null, enabled: false }],
});

describe('RuleStore: policies', () => {
  let temp: ReturnType<typeof openTempStore> | undefined;
  afterEach(() => temp?.cleanup());

  it('keeps scope.agents, exclusions and overrides across a reopen of the file', () => {
    temp = openTempStore();
    temp.store.rules.save(rule);
    const loaded = temp.reopen().rules.get('rul_1');
    expect(loaded).toMatchObject({ scope: rule.scope, exclude: rule.exclude, overrides: rule.overrides });
    // An explicit null in an override (no hysteresis there) survives, distinct from "not set".
    expect(loaded?.overrides?.[1]).toHaveProperty('clearThreshold', null);
    expect(loaded?.overrides?.[0]).not.toHaveProperty('clearThreshold');
  });

  it('clears them again when saved without, and loads a rule that never had any as null', () => {
    temp = openTempStore();
    temp.store.rules.save(rule);
    temp.store.rules.save({ ...rule, exclude: null, overrides: undefined, updatedAt: 2 });
    expect(temp.reopen().rules.get('rul_1')).toMatchObject({ exclude: null, overrides: null, updatedAt: 2 });
  });
});

describe('RuleStore: aggregation', () => {
  let temp: ReturnType<typeof openTempStore> | undefined;
  afterEach(() => temp?.cleanup());

  it('keeps aggregate and window across a reopen, and clears them when saved without', () => {
    temp = openTempStore();
    temp.store.rules.save({ ...rule, aggregate: 'max', window: '15m' });
    const reopened = temp.reopen();
    expect(reopened.rules.get('rul_1')).toMatchObject({ aggregate: 'max', window: '15m' });
    reopened.rules.save({ ...rule, aggregate: null, window: undefined, updatedAt: 2 });
    expect(temp.reopen().rules.get('rul_1')).toMatchObject({ aggregate: null, window: null });
  });
});
