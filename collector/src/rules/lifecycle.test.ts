import { describe, expect, it } from 'vitest';
import { RuleSchema, type Rule } from '@vigil/shared';
import { evaluateSamples, markResolved, restoreOpenSeries } from './evaluate.js';
import { indexRules } from './index-rules.js';
import { seriesKey } from './series-key.js';
import type { AgentContext, EngineState, Transition } from './types.js';

const T0 = 1_700_000_000_000;
const S = 1_000;
const M = 60_000;
const agent: AgentContext = { agentId: 'a1', tenantId: 'acme', siteId: 'hq', tags: [], os: 'linux' };
const KEY = seriesKey('r1', 'a1', {});

function makeRule(fields: Partial<Rule> = {}): Rule {
  return RuleSchema.parse({
    id: 'r1', name: 'CPU busy', metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90, clearThreshold: 80,
    forSamples: 1, priority: 'P2', scope: {}, runbookId: null, enabled: true, createdAt: 0, updatedAt: 0, ...fields,
  });
}

/** One series driven by [instant, value] samples; returns what each produced ('-' for nothing). */
function drive(state: EngineState, rule: Rule, samples: Array<[number, number]>): string[] {
  return samples.map(([at, value]) => transitionsAt(state, rule, at, value).map((t) => t.kind).join(',') || '-');
}

function transitionsAt(state: EngineState, rule: Rule, at: number, value: number): Transition[] {
  return evaluateSamples(state, indexRules([rule]), agent, [{ metric: 'cpu.usage_pct', value }], at);
}

describe('for: the condition must hold that long before the alert opens', () => {
  it('opens at the first sample at least `for` after the breach began, not a millisecond earlier', () => {
    const state: EngineState = new Map();
    const rule = makeRule({ for: '5m' });
    expect(drive(state, rule, [[T0, 95], [T0 + M, 96], [T0 + 5 * M - 1, 97]])).toEqual(['-', '-', '-']);
    const [open] = transitionsAt(state, rule, T0 + 5 * M, 98);
    expect(open).toMatchObject({ kind: 'open', at: T0 + 5 * M, breachSince: T0, value: 98 });
  });

  it('starts over when the condition is interrupted', () => {
    const state: EngineState = new Map();
    const rule = makeRule({ for: '5m' });
    expect(drive(state, rule, [[T0, 95], [T0 + M, 50], [T0 + 2 * M, 95], [T0 + 6 * M, 95], [T0 + 7 * M - 1, 95], [T0 + 7 * M, 95]]))
      .toEqual(['-', '-', '-', '-', '-', 'open']);
  });

  it('needs forSamples as well when both are given', () => {
    // Long enough but too few samples, then enough samples.
    const few = new Map() as EngineState;
    expect(drive(few, makeRule({ for: '1m', forSamples: 3 }), [[T0, 95], [T0 + 2 * M, 95], [T0 + 2 * M + 1, 95]])).toEqual(['-', '-', 'open']);
    // Enough samples but not long enough, then long enough.
    const quick = new Map() as EngineState;
    expect(drive(quick, makeRule({ for: '10m', forSamples: 2 }), [[T0, 95], [T0 + S, 95], [T0 + 10 * M - 1, 95], [T0 + 10 * M, 95]]))
      .toEqual(['-', '-', '-', 'open']);
  });

  it('"0s" is the same as no `for`', () => {
    expect(drive(new Map(), makeRule({ for: '0s' }), [[T0, 95]])).toEqual(['open']);
  });

  it('applies a patched `for` from the next sample, measured from when the breach began', () => {
    const state: EngineState = new Map();
    expect(drive(state, makeRule({ for: '10m' }), [[T0, 95], [T0 + 3 * M, 95]])).toEqual(['-', '-']);
    expect(drive(state, makeRule({ for: '2m' }), [[T0 + 4 * M, 95]])).toEqual(['open']);
  });
});

describe('holdFor: an open alert stays open until the value has stayed clear that long', () => {
  it('resolves at the first clear sample at least holdFor after the value first cleared', () => {
    const state: EngineState = new Map();
    const rule = makeRule({ holdFor: '10m' });
    expect(drive(state, rule, [[T0, 95], [T0 + M, 70], [T0 + 11 * M - 1, 60]])).toEqual(['open', 'update', 'update']);
    const [resolve] = transitionsAt(state, rule, T0 + 11 * M, 65);
    expect(resolve).toMatchObject({ kind: 'resolve', at: T0 + 11 * M, value: 65 });
  });

  it('a breach within the hold keeps the same alert open, and the hold starts over at the next clear sample', () => {
    const state: EngineState = new Map();
    const rule = makeRule({ holdFor: '10m' });
    expect(drive(state, rule, [
      [T0, 95], [T0 + M, 70], [T0 + 6 * M, 97], [T0 + 7 * M, 70], [T0 + 16 * M, 70], [T0 + 17 * M - 1, 70], [T0 + 17 * M, 70],
    ])).toEqual(['open', 'update', 'update', 'update', 'update', 'update', 'resolve']);
  });

  it('a value inside the hysteresis band also cancels the hold', () => {
    const state: EngineState = new Map();
    // > 90 clear 80: 85 is still held by the clear condition.
    expect(drive(state, makeRule({ holdFor: '1m' }), [[T0, 95], [T0 + S, 70], [T0 + 30 * S, 85], [T0 + 61 * S, 70], [T0 + 121 * S, 70]]))
      .toEqual(['open', 'update', 'update', 'update', 'resolve']);
  });

  it('resolves at the first clear sample without holdFor', () => {
    expect(drive(new Map(), makeRule(), [[T0, 95], [T0 + S, 70]])).toEqual(['open', 'resolve']);
  });

  it('a hand resolve during the hold closes the series: the next clear sample does nothing', () => {
    const state: EngineState = new Map();
    const rule = makeRule({ holdFor: '10m' });
    expect(drive(state, rule, [[T0, 95], [T0 + M, 70]])).toEqual(['open', 'update']);
    markResolved(state, KEY);
    expect(drive(state, rule, [[T0 + 20 * M, 70]])).toEqual(['-']);
  });
});

describe('flapping', () => {
  /** Alternating breach/clear samples one second apart, then steady breaches. */
  const alternatingThenSteady = (alternating: number, steady: number): Array<[number, number]> =>
    Array.from({ length: alternating + steady }, (_, i) => [T0 + i * S, i < alternating && i % 2 === 1 ? 50 : 95]);

  it('starts above 50% weighted state change and stops below 25%, reported on the transition that changed it', () => {
    const state: EngineState = new Map();
    const rule = makeRule({ clearThreshold: null });
    const changes: Array<[number, string, boolean]> = [];
    alternatingThenSteady(12, 30).forEach(([at, value], i) => {
      for (const t of transitionsAt(state, rule, at, value)) if (t.flappingChanged) changes.push([i, t.kind, t.flapping]);
    });
    // Sample 8 takes the weighted change to 50.2%; from sample 12 on the value is steady, and
    // at sample 27 the remaining changes weigh 21.1%.
    expect(changes).toEqual([[8, 'open', true], [27, 'update', false]]);
  });

  it('carries the flag on every transition in between, and into an opening', () => {
    const state: EngineState = new Map();
    const rule = makeRule({ clearThreshold: null });
    const flags = alternatingThenSteady(12, 0).map(([at, value]) => transitionsAt(state, rule, at, value).map((t) => `${t.kind}:${t.flapping}`).join());
    expect(flags.slice(7)).toEqual(['resolve:false', 'open:true', 'resolve:true', 'open:true', 'resolve:true']);
  });

  it('uses the rule\'s thresholds when given', () => {
    const state: EngineState = new Map();
    const rule = makeRule({ clearThreshold: null, flapHighThreshold: 30, flapLowThreshold: 10 });
    const started = alternatingThenSteady(12, 0).findIndex(([at, value]) => transitionsAt(state, rule, at, value).some((t) => t.flappingChanged));
    // 28.9% after sample 4, 34.4% after sample 5.
    expect(started).toBe(5);
  });

  it('counts a closed series\' samples too: an alert that opens after flapping opens flapping', () => {
    const state: EngineState = new Map();
    // forSamples 2 never opens on alternating values, but the series flaps all the same.
    const rule = makeRule({ clearThreshold: null, forSamples: 2 });
    expect(drive(state, rule, alternatingThenSteady(10, 0)).every((k) => k === '-')).toBe(true);
    expect(state.get(KEY)).toMatchObject({ open: false, flapping: true });
    const [open] = [...transitionsAt(state, rule, T0 + 10 * S, 95), ...transitionsAt(state, rule, T0 + 11 * S, 95)];
    expect(open).toMatchObject({ kind: 'open', flapping: true, flappingChanged: false, at: T0 + 11 * S });
  });

  it('hysteresis damps it: a value moving within the band of an open alert is steady', () => {
    const state: EngineState = new Map();
    // > 90 clear 80: 85 and 95 both hold the open alert.
    const kinds = Array.from({ length: 20 }, (_, i) => transitionsAt(state, makeRule(), T0 + i * S, i % 2 ? 85 : 95)[0]!);
    expect(kinds.some((t) => t.flapping)).toBe(false);
  });

  it('a series restored as flapping stays flapping until steady samples calm it, by the same rule', () => {
    const state: EngineState = new Map();
    restoreOpenSeries(state, KEY, 95, true);
    const changes = Array.from({ length: 20 }, (_, i) => transitionsAt(state, makeRule(), T0 + i * S, 95)[0]!)
      .flatMap((t, i) => (t.flappingChanged ? [[i, t.flapping]] : []));
    expect(changes).toEqual([[14, false]]);
  });

  it('a hand resolve keeps the flap window', () => {
    const state: EngineState = new Map();
    const rule = makeRule({ clearThreshold: null });
    drive(state, rule, alternatingThenSteady(9, 0));
    markResolved(state, KEY);
    expect(state.get(KEY)).toMatchObject({ open: false, flapping: true });
  });
});
