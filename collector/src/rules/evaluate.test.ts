import { describe, expect, it } from 'vitest';
import { RuleSchema, type ComparisonOp, type Labels, type Rule, type Sample } from '@vigil/shared';
import { evaluateSamples, forgetRule, markResolved, restoreOpenSeries } from './evaluate.js';
import { indexRules } from './index-rules.js';
import { FLAP_WINDOW } from './flapping.js';
import { seriesKey } from './series-key.js';
import type { AgentContext, EngineState, Transition } from './types.js';

const NOW = 1_700_000_000_000;

const agent: AgentContext = { agentId: 'a1', tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux' };

/** n quiet values: enough of them (FLAP_WINDOW) push every breach out of a series' flap window. */
const quiet = (n: number, value = 10): number[] => Array.from({ length: n }, () => value);

/** A valid rule (parsed by the real schema, so hysteresis settings are ones the API accepts). */
function makeRule(fields: Partial<Rule> = {}): Rule {
  return RuleSchema.parse({
    id: 'r1', name: 'Disk almost full', metric: 'disk.used_pct', labels: {}, op: '>', threshold: 90,
    clearThreshold: null, forSamples: 1, priority: 'P2', scope: {}, runbookId: null, enabled: true,
    createdAt: 0, updatedAt: 0, ...fields,
  });
}

/**
 * Feeds the values one frame at a time (frame i is evaluated at NOW + i) for a single series and
 * returns what each frame produced: a transition kind, or '-' for nothing.
 */
function feed(state: EngineState, rules: Rule | Rule[], values: number[], labels?: Labels): string[] {
  const index = indexRules(Array.isArray(rules) ? rules : [rules]);
  const metric = Array.isArray(rules) ? rules[0]!.metric : rules.metric;
  return values.map((value, i) => {
    const transitions = evaluateSamples(state, index, agent, [{ metric, value, labels }], NOW + i);
    return transitions.length === 0 ? '-' : transitions.map((t) => t.kind).join(',');
  });
}

describe('forSamples', () => {
  it('opens on exactly the Nth consecutive breach', () => {
    expect(feed(new Map(), makeRule({ forSamples: 3 }), [91, 92, 93, 94])).toEqual(['-', '-', 'open', 'update']);
  });

  it('opens on the first breach when forSamples is 1', () => {
    expect(feed(new Map(), makeRule(), [50, 91])).toEqual(['-', 'open']);
  });

  it('restarts the count after a non-breaching sample', () => {
    expect(feed(new Map(), makeRule({ forSamples: 3 }), [91, 91, 50, 91, 91, 91])).toEqual(['-', '-', '-', '-', '-', 'open']);
  });

  it('counts a value equal to the threshold of ">" as an interruption', () => {
    expect(feed(new Map(), makeRule({ forSamples: 2 }), [91, 90, 91, 91])).toEqual(['-', '-', '-', 'open']);
  });

  it('keeps no state for a series that is quiet, and forgets one once its flap window is quiet again', () => {
    const state: EngineState = new Map();
    feed(state, makeRule({ forSamples: 3 }), [10, 20]);
    expect(state.size).toBe(0);
    // The breach stays in the flap window for FLAP_WINDOW - 1 more samples, then nothing is left.
    feed(state, makeRule({ forSamples: 3 }), [91, ...quiet(FLAP_WINDOW - 1)]);
    expect(state.size).toBe(1);
    feed(state, makeRule({ forSamples: 3 }), [30]);
    expect(state.size).toBe(0);
  });
});

describe('dedup', () => {
  it('opens once for a long breach and updates on every further sample', () => {
    const kinds = feed(new Map(), makeRule({ forSamples: 2 }), Array.from({ length: 100 }, (_, i) => 91 + (i % 5)));
    expect(kinds.filter((k) => k === 'open')).toHaveLength(1);
    expect(kinds[1]).toBe('open');
    expect(kinds.slice(2).every((k) => k === 'update')).toBe(true);
  });

  it('carries the latest value in each update', () => {
    const state: EngineState = new Map();
    const index = indexRules([makeRule()]);
    evaluateSamples(state, index, agent, [{ metric: 'disk.used_pct', value: 91 }], NOW);
    const [update] = evaluateSamples(state, index, agent, [{ metric: 'disk.used_pct', value: 97.5 }], NOW + 1);
    expect(update).toMatchObject({ kind: 'update', value: 97.5 });
    expect([...state.values()]).toEqual([{ breachStreak: 1, breachSince: NOW, open: true, lastValue: 97.5, clearSince: null, history: 0b11, flapping: false }]);
  });
});

describe('hysteresis', () => {
  it('follows the documented example: > 90, clear 85', () => {
    expect(feed(new Map(), makeRule({ threshold: 90, clearThreshold: 85 }), [91, 88, 85])).toEqual(['open', 'update', 'resolve']);
  });

  // Per operator: values fed after nothing is open, then the expected kinds. Each sequence checks that
  // equality with the threshold breaches or not as the operator says, that the band between
  // threshold and clear threshold holds the alert, and that equality with the clear threshold
  // resolves or holds as the operator says.
  const cases: { op: ComparisonOp; threshold: number; clear: number | null; values: number[]; kinds: string[] }[] = [
    { op: '>', threshold: 90, clear: 85, values: [90, 90.1, 90, 85.1, 85], kinds: ['-', 'open', 'update', 'update', 'resolve'] },
    { op: '>=', threshold: 90, clear: 85, values: [89.9, 90, 86, 85, 84.9], kinds: ['-', 'open', 'update', 'update', 'resolve'] },
    { op: '<', threshold: 10, clear: 15, values: [10, 9.9, 10, 14.9, 15], kinds: ['-', 'open', 'update', 'update', 'resolve'] },
    { op: '<=', threshold: 10, clear: 15, values: [10.1, 10, 14, 15, 15.1], kinds: ['-', 'open', 'update', 'update', 'resolve'] },
    { op: '>', threshold: 90, clear: null, values: [90, 95, 90.1, 90], kinds: ['-', 'open', 'update', 'resolve'] },
    { op: '<=', threshold: 10, clear: null, values: [11, 10, 10, 10.5], kinds: ['-', 'open', 'update', 'resolve'] },
    // disk.health_ok == 0: equality operators resolve as soon as the value differs.
    { op: '==', threshold: 0, clear: null, values: [1, 0, 0, 1], kinds: ['-', 'open', 'update', 'resolve'] },
    // service.up != 1
    { op: '!=', threshold: 1, clear: null, values: [1, 0, 0, 1], kinds: ['-', 'open', 'update', 'resolve'] },
    // With a clear threshold an equality operator holds by it too: open while != 1, held while != 2.
    { op: '!=', threshold: 1, clear: 2, values: [0, 1, 3, 2], kinds: ['open', 'update', 'update', 'resolve'] },
    { op: '==', threshold: 0, clear: 0, values: [0, 0, 0.5], kinds: ['open', 'update', 'resolve'] },
  ];

  it.each(cases)('$op $threshold clear $clear: $values -> $kinds', ({ op, threshold, clear, values, kinds }) => {
    expect(feed(new Map(), makeRule({ op, threshold, clearThreshold: clear }), values)).toEqual(kinds);
  });

  it('does not re-open from inside the band after resolving', () => {
    // 88 lies between clear and threshold: it holds an open alert but must not open a closed one.
    expect(feed(new Map(), makeRule({ threshold: 90, clearThreshold: 85 }), [91, 80, 88, 88])).toEqual(['open', 'resolve', '-', '-']);
  });
});

describe('auto-resolve', () => {
  it('needs forSamples consecutive breaches again to re-open', () => {
    expect(feed(new Map(), makeRule({ forSamples: 2 }), [91, 91, 50, 91, 91, 91])).toEqual(['-', 'open', 'resolve', '-', 'open', 'update']);
  });

  it('leaves no state behind once resolved and out of the flap window', () => {
    const state: EngineState = new Map();
    feed(state, makeRule(), [91, 50]);
    expect(state.get(seriesKey('r1', 'a1', {}))).toMatchObject({ open: false, breachStreak: 0, breachSince: null, clearSince: null });
    feed(state, makeRule(), quiet(FLAP_WINDOW - 1));
    expect(state.size).toBe(0);
  });
});

describe('markResolved', () => {
  it('closes the series and restarts its streak', () => {
    const state: EngineState = new Map();
    const rule = makeRule({ forSamples: 2 });
    expect(feed(state, rule, [91, 91])).toEqual(['-', 'open']);
    markResolved(state, seriesKey('r1', 'a1', {}));
    expect(state.get(seriesKey('r1', 'a1', {}))).toMatchObject({ open: false, breachStreak: 0, breachSince: null });
    // Still breaching, yet it has to build up forSamples again before a new alert opens.
    expect(feed(state, rule, [95, 95, 95])).toEqual(['-', 'open', 'update']);
  });

  it('re-opens on the next breach when forSamples is 1', () => {
    const state: EngineState = new Map();
    expect(feed(state, makeRule(), [91])).toEqual(['open']);
    markResolved(state, seriesKey('r1', 'a1', {}));
    expect(feed(state, makeRule(), [91])).toEqual(['open']);
  });

  it('leaves other series alone and ignores unknown keys', () => {
    const state: EngineState = new Map();
    feed(state, makeRule(), [91], { mount: '/' });
    feed(state, makeRule(), [91], { mount: '/data' });
    markResolved(state, seriesKey('r1', 'a1', { mount: '/' }));
    markResolved(state, 'no-such-key');
    expect([...state.entries()].map(([key, series]) => [key, series.open])).toEqual([
      [seriesKey('r1', 'a1', { mount: '/' }), false],
      [seriesKey('r1', 'a1', { mount: '/data' }), true],
    ]);
  });
});

describe('forgetRule', () => {
  it('drops every series of the rule and nothing else', () => {
    const state: EngineState = new Map();
    const r1 = makeRule({ id: 'r1', forSamples: 2 });
    const r10 = makeRule({ id: 'r10', forSamples: 2 });
    feed(state, [r1, r10], [91, 91], { mount: '/' });
    feed(state, [r1, r10], [91], { mount: '/data' });
    expect(state.size).toBe(4);

    forgetRule(state, 'r1');
    expect([...state.keys()].sort()).toEqual([seriesKey('r10', 'a1', { mount: '/' }), seriesKey('r10', 'a1', { mount: '/data' })].sort());

    // r10's alert is still open; r1 (if re-enabled) starts from scratch.
    const index = indexRules([r1, r10]);
    const transitions = evaluateSamples(state, index, agent, [{ metric: 'disk.used_pct', value: 92, labels: { mount: '/' } }], NOW);
    expect(transitions.map((t) => [t.rule.id, t.kind])).toEqual([['r10', 'update']]);
  });
});

describe('restoreOpenSeries', () => {
  it('continues an alert stored open: a breach updates it instead of opening a duplicate', () => {
    const state: EngineState = new Map();
    const rule = makeRule({ forSamples: 3, clearThreshold: 85 });
    restoreOpenSeries(state, seriesKey('r1', 'a1', { mount: '/' }), 93);
    expect(state.get(seriesKey('r1', 'a1', { mount: '/' }))).toMatchObject({ open: true, lastValue: 93 });
    expect(feed(state, rule, [92, 87, 80], { mount: '/' })).toEqual(['update', 'update', 'resolve']);
  });

  it('resolves on the first clear sample after startup', () => {
    const state: EngineState = new Map();
    restoreOpenSeries(state, seriesKey('r1', 'a1', {}), 95);
    expect(feed(state, makeRule(), [40])).toEqual(['resolve']);
  });
});

describe('scope', () => {
  it('ignores agents outside the rule scope', () => {
    const state: EngineState = new Map();
    const index = indexRules([makeRule({ scope: { tenant: 'globex' } })]);
    expect(evaluateSamples(state, index, agent, [{ metric: 'disk.used_pct', value: 99 }], NOW)).toEqual([]);
    expect(state.size).toBe(0);
  });

  it('evaluates agents inside it', () => {
    const index = indexRules([makeRule({ scope: { tenant: 'acme', site: 'hq', tags: ['server'], os: 'linux' } })]);
    const transitions = evaluateSamples(new Map(), index, agent, [{ metric: 'disk.used_pct', value: 99 }], NOW);
    expect(transitions.map((t) => t.kind)).toEqual(['open']);
  });
});

describe('labels', () => {
  const mounts = (root: number, data: number): Sample[] => [
    { metric: 'disk.used_pct', value: root, labels: { mount: '/' } },
    { metric: 'disk.used_pct', value: data, labels: { mount: '/data' } },
  ];

  it('matches samples whose labels include the rule labels, and reports the full label set', () => {
    const index = indexRules([makeRule({ labels: { mount: '/' } })]);
    const samples: Sample[] = [
      { metric: 'disk.used_pct', value: 95, labels: { mount: '/', fs: 'ext4' } },
      { metric: 'disk.used_pct', value: 95, labels: { mount: '/data' } },
      { metric: 'disk.used_pct', value: 95 },
    ];
    const transitions = evaluateSamples(new Map(), index, agent, samples, NOW);
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({ kind: 'open', labels: { mount: '/', fs: 'ext4' }, key: seriesKey('r1', 'a1', { mount: '/', fs: 'ext4' }) });
  });

  it('makes one series and one alert per label set when the rule has no labels', () => {
    const state: EngineState = new Map();
    const index = indexRules([makeRule({ clearThreshold: 85 })]);

    const opened = evaluateSamples(state, index, agent, mounts(95, 92), NOW);
    expect(opened.map((t) => [t.kind, t.labels])).toEqual([['open', { mount: '/' }], ['open', { mount: '/data' }]]);
    expect(new Set(opened.map((t) => t.key)).size).toBe(2);

    // '/' clears; '/data' stays open and is only updated.
    const next = evaluateSamples(state, index, agent, mounts(40, 93), NOW + 1);
    expect(next.map((t) => [t.kind, t.labels])).toEqual([['resolve', { mount: '/' }], ['update', { mount: '/data' }]]);
    expect([...state.entries()].filter(([, series]) => series.open).map(([key]) => key)).toEqual([seriesKey('r1', 'a1', { mount: '/data' })]);
  });

  it('treats the same labels in another order as the same series', () => {
    const state: EngineState = new Map();
    const index = indexRules([makeRule()]);
    evaluateSamples(state, index, agent, [{ metric: 'disk.used_pct', value: 95, labels: { mount: '/', fs: 'ext4' } }], NOW);
    const next = evaluateSamples(state, index, agent, [{ metric: 'disk.used_pct', value: 96, labels: { fs: 'ext4', mount: '/' } }], NOW + 1);
    expect(next.map((t) => t.kind)).toEqual(['update']);
  });

  it('keeps series of different agents apart', () => {
    const state: EngineState = new Map();
    const index = indexRules([makeRule()]);
    const other: AgentContext = { ...agent, agentId: 'a2' };
    const a = evaluateSamples(state, index, agent, [{ metric: 'disk.used_pct', value: 95 }], NOW);
    const b = evaluateSamples(state, index, other, [{ metric: 'disk.used_pct', value: 95 }], NOW);
    expect([a[0]?.kind, a[0]?.agentId, b[0]?.kind, b[0]?.agentId]).toEqual(['open', 'a1', 'open', 'a2']);
    expect(state.size).toBe(2);
  });
});

describe('rule set changes', () => {
  it('ignores disabled rules', () => {
    const state: EngineState = new Map();
    const index = indexRules([makeRule({ enabled: false })]);
    expect(evaluateSamples(state, index, agent, [{ metric: 'disk.used_pct', value: 99 }], NOW)).toEqual([]);
    expect(state.size).toBe(0);
  });

  it('resolves an open series on the next sample when a patch raises the threshold above the value', () => {
    const state: EngineState = new Map();
    const before = makeRule({ threshold: 90, clearThreshold: 85 });
    expect(feed(state, before, [92])).toEqual(['open']);

    const patched: Rule = { ...before, threshold: 95, clearThreshold: 93, updatedAt: 1 };
    const [t] = evaluateSamples(state, indexRules([patched]), agent, [{ metric: 'disk.used_pct', value: 92 }], NOW + 1);
    expect(t?.kind).toBe('resolve');
    // The transition carries the rule as it is now.
    expect(t?.rule).toBe(patched);
    expect([...state.values()].map((series) => series.open)).toEqual([false]);
  });

  it('applies a patched threshold to a closed series from the next sample', () => {
    const state: EngineState = new Map();
    expect(feed(state, makeRule({ threshold: 90 }), [85])).toEqual(['-']);
    expect(feed(state, makeRule({ threshold: 80 }), [85])).toEqual(['open']);
  });
});

describe('evaluateSamples', () => {
  it('produces nothing for metrics no rule watches', () => {
    const state: EngineState = new Map();
    const index = indexRules([makeRule()]);
    const samples: Sample[] = [
      { metric: 'cpu.usage_pct', value: 100 },
      { metric: 'mem.used_pct', value: 99 },
      { metric: 'disk.free_bytes', value: 0, labels: { mount: '/' } },
    ];
    expect(evaluateSamples(state, index, agent, samples, NOW)).toEqual([]);
    expect(state.size).toBe(0);
  });

  it('produces nothing with no rules at all', () => {
    expect(evaluateSamples(new Map(), indexRules([]), agent, [{ metric: 'disk.used_pct', value: 99 }], NOW)).toEqual([]);
  });

  it('stamps every transition with the injected now and describes the series fully', () => {
    const state: EngineState = new Map();
    const rule = makeRule({ clearThreshold: 85 });
    const index = indexRules([rule]);
    const at = (value: number, now: number): Transition[] =>
      evaluateSamples(state, index, agent, [{ metric: 'disk.used_pct', value, labels: { mount: '/' } }], now);

    const [open] = at(91, 1_000);
    const [update] = at(88, 2_000);
    const [resolve] = at(80, 3_000);
    const key = seriesKey('r1', 'a1', { mount: '/' });
    const calm = { flapping: false, flappingChanged: false };
    expect(open).toEqual({ kind: 'open', key, rule, agentId: 'a1', labels: { mount: '/' }, value: 91, at: 1_000, breachSince: 1_000, ...calm });
    expect(update).toEqual({ kind: 'update', key, rule, agentId: 'a1', labels: { mount: '/' }, value: 88, at: 2_000, ...calm });
    expect(resolve).toEqual({ kind: 'resolve', key, rule, agentId: 'a1', labels: { mount: '/' }, value: 80, at: 3_000, ...calm });
  });

  it('gives an unlabelled sample an empty label set', () => {
    const [t] = evaluateSamples(new Map(), indexRules([makeRule()]), agent, [{ metric: 'disk.used_pct', value: 95 }], NOW);
    expect(t?.labels).toEqual({});
  });

  it('evaluates samples of one frame in order, so a series can open and resolve within it', () => {
    const samples: Sample[] = [
      { metric: 'disk.used_pct', value: 95 },
      { metric: 'disk.used_pct', value: 50 },
    ];
    const transitions = evaluateSamples(new Map(), indexRules([makeRule()]), agent, samples, NOW);
    expect(transitions.map((t) => t.kind)).toEqual(['open', 'resolve']);
  });

  it('evaluates every rule on the metric independently', () => {
    const warn = makeRule({ id: 'warn', threshold: 80, priority: 'P3' });
    const crit = makeRule({ id: 'crit', threshold: 95, priority: 'P1' });
    const state: EngineState = new Map();
    const index = indexRules([warn, crit]);
    const first = evaluateSamples(state, index, agent, [{ metric: 'disk.used_pct', value: 90 }], NOW);
    const second = evaluateSamples(state, index, agent, [{ metric: 'disk.used_pct', value: 97 }], NOW + 1);
    expect(first.map((t) => [t.rule.id, t.kind])).toEqual([['warn', 'open']]);
    expect(second.map((t) => [t.rule.id, t.kind])).toEqual([['warn', 'update'], ['crit', 'open']]);
  });
});
