import { describe, expect, it } from 'vitest';
import { RuleSchema, type Rule } from '@vigil/shared';
import { evaluateSamples, forgetRule, markResolved } from './evaluate.js';
import { indexRules } from './index-rules.js';
import type { AgentContext, EngineState, Transition } from './types.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

const agent: AgentContext = { agentId: 'a1', tenantId: 'acme', siteId: 'hq', tags: [], os: 'linux' };

function makeRule(fields: Partial<Rule> = {}): Rule {
  return RuleSchema.parse({
    id: 'r1', name: 'CPU busy', metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90,
    clearThreshold: null, forSamples: 1, priority: 'P2', scope: {}, runbookId: null, enabled: true,
    createdAt: 0, updatedAt: 0, ...fields,
  });
}

/** Feeds [minutes after T0, value] pairs one frame each; returns each frame's transitions. */
function feed(state: EngineState, rule: Rule, samples: Array<[number, number]>): Transition[][] {
  const index = indexRules([rule]);
  return samples.map(([minute, value]) => evaluateSamples(state, index, agent, [{ metric: rule.metric, value }], T0 + minute * MIN));
}

const kinds = (frames: Transition[][]): string[] => frames.map((f) => (f.length === 0 ? '-' : f.map((t) => t.kind).join(',')));

describe('rules with aggregate and window', () => {
  it('avg: opens only once enough high samples pull the average over the threshold, reporting the average', () => {
    const rule = makeRule({ aggregate: 'avg', window: '3m' });
    // Averages 80, 80, 86.7, then 93.3: the sample at minute 0 is exactly 3m old at minute 3 and gone.
    const frames = feed(new Map(), rule, [[0, 80], [1, 80], [2, 100], [3, 100]]);
    expect(kinds(frames)).toEqual(['-', '-', '-', 'open']);
    expect(frames[3]![0]!.value).toBeCloseTo(93.33, 2);
  });

  it('max: a spike holds the alert open until it leaves the window, then the alert resolves', () => {
    const rule = makeRule({ aggregate: 'max', window: '2m' });
    const frames = feed(new Map(), rule, [[0, 50], [1, 95], [2, 50], [3, 50]]);
    expect(kinds(frames)).toEqual(['-', 'open', 'update', 'resolve']);
    expect(frames[2]![0]!.value).toBe(95);
    expect(frames[3]![0]!.value).toBe(50);
  });

  it('min: a dip below the threshold opens an alert on a "<" rule and keeps it for the window', () => {
    const rule = makeRule({ metric: 'disk.free_pct', op: '<', threshold: 10, aggregate: 'min', window: '2m' });
    expect(kinds(feed(new Map(), rule, [[0, 50], [1, 5], [2, 40], [3, 60]]))).toEqual(['-', 'open', 'update', 'resolve']);
  });

  it('applies forSamples and hysteresis to the aggregate, not to the raw samples', () => {
    // The raw values breach once; the window max breaches twice, which is what forSamples counts.
    const rule = makeRule({ aggregate: 'max', window: '2m', forSamples: 2 });
    expect(kinds(feed(new Map(), rule, [[0, 50], [1, 95], [2, 50], [3, 50]]))).toEqual(['-', '-', 'open', 'resolve']);
    // avg 92, then 88.5 (held by clear 85 although the raw 85 is not above it), then 77.5 (the 92 is 3m old).
    const hysteresis = makeRule({ aggregate: 'avg', window: '3m', clearThreshold: 85 });
    expect(kinds(feed(new Map(), hysteresis, [[0, 92], [1, 85], [3, 70]]))).toEqual(['open', 'update', 'resolve']);
  });

  it('keeps a quiet windowed series until the rule is forgotten, and through a manual resolve', () => {
    const state: EngineState = new Map();
    const rule = makeRule({ aggregate: 'avg', window: '5m' });
    feed(state, rule, [[0, 100]]);
    markResolved(state, [...state.keys()][0]!);
    // Resolving by hand keeps the window: the next average still counts the 100.
    expect(feed(state, rule, [[1, 90]])[0]![0]).toMatchObject({ kind: 'open', value: 95 });
    forgetRule(state, 'r1');
    expect(state.size).toBe(0);
    // A quiet sample keeps its entry: the next average counts it (55, not 100).
    feed(state, rule, [[2, 10]]);
    expect(state.size).toBe(1);
    expect(feed(state, rule, [[3, 100]])[0]).toEqual([]);
  });

  it('starts the window afresh when the rule now asks for another aggregate or window', () => {
    const state: EngineState = new Map();
    feed(state, makeRule({ aggregate: 'max', window: '5m' }), [[0, 100]]);
    // Still counted, the 100 would make the average 55; the fresh window holds only the 10.
    expect(feed(state, makeRule({ aggregate: 'avg', window: '5m' }), [[1, 10]])[0]).toMatchObject([{ kind: 'resolve', value: 10 }]);
    feed(state, makeRule({ aggregate: 'max', window: '5m' }), [[2, 100]]);
    expect(feed(state, makeRule({ aggregate: 'max', window: '10m' }), [[3, 10]])[0]).toMatchObject([{ kind: 'resolve', value: 10 }]);
  });
});
