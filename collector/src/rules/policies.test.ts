import { describe, expect, it } from 'vitest';
import { RuleSchema, type Rule, type Sample } from '@vigil/shared';
import { evaluateSamples } from './evaluate.js';
import { indexRules } from './index-rules.js';
import type { AgentContext, EngineState, Transition } from './types.js';

/** Rule policies (exclusions, overrides) as the engine applies them, frame by frame. */

const web: AgentContext = { agentId: 'web', tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux' };
const db: AgentContext = { agentId: 'db', tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux' };

function makeRule(fields: Partial<Rule> = {}): Rule {
  return RuleSchema.parse({
    id: 'r1', name: 'CPU busy', metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90,
    clearThreshold: null, forSamples: 1, priority: 'P3', scope: { tenant: 'acme' }, runbookId: null, enabled: true,
    createdAt: 0, updatedAt: 0, ...fields,
  });
}

const cpu = (value: number): Sample => ({ metric: 'cpu.usage_pct', value, labels: {} });

function run(state: EngineState, rule: Rule, agent: AgentContext, values: number[]): Transition[] {
  const index = indexRules([rule]);
  return values.flatMap((value, i) => evaluateSamples(state, index, agent, [cpu(value)], 1000 + i));
}

describe('rule policies in evaluation', () => {
  it('opens at the overridden threshold with the overridden priority for one agent, the rule\'s for another', () => {
    const rule = makeRule({ overrides: [{ match: { agent: 'db' }, threshold: 97, clearThreshold: 80, priority: 'P1' }] });
    const state: EngineState = new Map();
    const index = indexRules([rule]);
    const at95 = (agent: AgentContext) => evaluateSamples(state, index, agent, [cpu(95)], 1000);
    expect(at95(web).map((t) => [t.kind, t.rule.threshold, t.rule.priority])).toEqual([['open', 90, 'P3']]);
    expect(at95(db)).toEqual([]);
    const opened = evaluateSamples(state, index, db, [cpu(98)], 1001);
    expect(opened.map((t) => [t.kind, t.rule.id, t.rule.threshold, t.rule.priority])).toEqual([['open', 'r1', 97, 'P1']]);
    // The override's clear threshold holds it open at 85, where the rule (no hysteresis) would resolve.
    expect(evaluateSamples(state, index, db, [cpu(85)], 1002).map((t) => t.kind)).toEqual(['update']);
    expect(evaluateSamples(state, index, db, [cpu(80)], 1003).map((t) => t.kind)).toEqual(['resolve']);
  });

  it('evaluates nothing for an agent an override switches the rule off for, and keeps no state for it', () => {
    const rule = makeRule({ overrides: [{ match: { agent: 'db' }, enabled: false }] });
    const state: EngineState = new Map();
    expect(run(state, rule, db, [99, 99])).toEqual([]);
    expect(state.size).toBe(0);
    expect(run(state, rule, web, [99]).map((t) => t.kind)).toEqual(['open']);
  });

  it('leaves an excluded agent out of a tenant-wide rule', () => {
    const rule = makeRule({ exclude: { agents: ['db'] } });
    expect(run(new Map(), rule, db, [99])).toEqual([]);
    expect(run(new Map(), rule, web, [99]).map((t) => t.kind)).toEqual(['open']);
  });

  it('resolves an agent afresh once it moves to another site', () => {
    const rule = makeRule({ overrides: [{ match: { site: 'hq' }, threshold: 97 }] });
    const index = indexRules([rule]);
    expect(evaluateSamples(new Map(), index, web, [cpu(95)], 1000)).toEqual([]);
    const moved = evaluateSamples(new Map(), index, { ...web, siteId: 'branch' }, [cpu(95)], 1001);
    expect(moved.map((t) => [t.kind, t.rule.threshold])).toEqual([['open', 90]]);
  });

  it('resolves each agent\'s overrides once, not once per sample', () => {
    const rule = makeRule({ overrides: [{ match: { agent: 'db' }, threshold: 97, priority: 'P1' }] });
    const index = indexRules([rule]);
    const first = evaluateSamples(new Map(), index, db, [cpu(98)], 1000)[0]!.rule;
    const second = evaluateSamples(new Map(), index, db, [cpu(98)], 1001)[0]!.rule;
    expect(second).toBe(first);
    // Without overrides the rule itself is used: no copy at all.
    const plain = makeRule();
    expect(evaluateSamples(new Map(), indexRules([plain]), db, [cpu(98)], 1000)[0]!.rule).toBe(plain);
  });
});
