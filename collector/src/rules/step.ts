import type { Rule } from '@vigil/shared';
import { compare } from './compare.js';
import { nextFlapping, percentStateChange, recordState } from './flapping.js';
import { ruleTiming } from './rule-timing.js';
import type { EngineState, SeriesState } from './types.js';
import { WindowAggregate } from './window-aggregate.js';

/** What one sample did to one series; the caller turns it into a Transition. */
export type StepOutcome = 'open' | 'update' | 'resolve';

export interface StepResult {
  kind: StepOutcome;
  flapping: boolean;
  flappingChanged: boolean;
  /** For 'open': when the breach began. */
  breachSince: number;
}

/**
 * Advances one series by one sample taken at `now`. The state machine:
 * - closed: a breach extends the streak (remembering when it began); the series opens once the
 *   streak is at least forSamples long AND began at least `for` ago. Anything else resets it.
 * - open: stays open (update) while the value is still held by the clear condition. Once clear,
 *   it stays open (update) until the value has stayed clear for `holdFor`, then resolves; a held
 *   sample within the hold cancels it. Holding uses `clearThreshold ?? threshold` with the same
 *   operator, so '>' 90 / clear 85 stays open at 88 and resolves at 85.
 * Every sample also enters the flap window: closed, whether it breached; open, whether it held.
 * Hysteresis thus damps flapping as it damps alerts. A closed series whose flag changes reports
 * nothing: it has no alert to mark, and the flag goes with its next opening.
 * The current rule is always used, so a patched setting applies from the next sample on.
 */
export function stepSeries(state: EngineState, key: string, rule: Rule, value: number, now: number): StepResult | null {
  let series = state.get(key);

  if (series?.open) {
    const held = compare(rule.op, value, rule.clearThreshold ?? rule.threshold);
    series.lastValue = value;
    const flappingChanged = observe(series, rule, held);
    if (held) {
      series.clearSince = null;
      return result('update', series, flappingChanged);
    }
    series.clearSince ??= now;
    if (now - series.clearSince < ruleTiming(rule).holdMs) return result('update', series, flappingChanged);
    close(series);
    forgetIfQuiet(state, key, series);
    return result('resolve', series, flappingChanged);
  }

  const breach = compare(rule.op, value, rule.threshold);
  // The common case, and the one that must stay cheap: a quiet sample of a quiet series.
  if (series === undefined && !breach) return null;
  if (series === undefined) {
    series = quietSeries(value);
    state.set(key, series);
  }
  series.lastValue = value;
  const flappingChanged = observe(series, rule, breach);
  if (!breach) {
    close(series);
    forgetIfQuiet(state, key, series);
    return null;
  }

  series.breachStreak += 1;
  series.breachSince ??= now;
  // `>=` rather than `===`: if forSamples was lowered by a patch below an ongoing streak, the
  // next breach opens instead of never reaching the count.
  if (series.breachStreak < rule.forSamples || now - series.breachSince < ruleTiming(rule).forMs) return null;
  series.open = true;
  series.clearSince = null;
  return result('open', series, flappingChanged);
}

/**
 * For a rule with `aggregate` and `window`: adds the sample to the series' window and returns the
 * aggregate, which stepSeries then compares in place of the sample; otherwise the sample's value.
 * A window kept under another aggregate or length (the rule was changed) is started afresh.
 */
export function windowedValue(state: EngineState, key: string, rule: Rule, value: number, now: number): number {
  const { windowMs } = ruleTiming(rule);
  if (windowMs === 0 || !rule.aggregate) return value;
  let series = state.get(key);
  if (series === undefined) {
    series = quietSeries(value);
    state.set(key, series);
  }
  if (series.window === undefined || series.window.kind !== rule.aggregate || series.window.windowMs !== windowMs) {
    series.window = new WindowAggregate(rule.aggregate, windowMs);
  }
  return series.window.push(now, value);
}

/** Records the sample's state in the flap window; returns whether the flapping flag changed. */
function observe(series: SeriesState, rule: Rule, held: boolean): boolean {
  series.history = recordState(series.history, held);
  const { flapHigh, flapLow } = ruleTiming(rule);
  const flapping = nextFlapping(series.flapping, percentStateChange(series.history), flapHigh, flapLow);
  if (flapping === series.flapping) return false;
  series.flapping = flapping;
  return true;
}

/** Closed with no streak and no hold; history and flapping outlive the alert. */
export function close(series: SeriesState): void {
  series.open = false;
  series.breachStreak = 0;
  series.breachSince = null;
  series.clearSince = null;
}

/** What absence means (see EngineState), for a series that needs an entry before it breaches. */
export function quietSeries(value: number): SeriesState {
  return { breachStreak: 0, breachSince: null, open: false, lastValue: value, clearSince: null, history: 0, flapping: false };
}

/** Absence means exactly this (see EngineState), so dropping the entry loses nothing. */
export function forgetIfQuiet(state: EngineState, key: string, series: SeriesState): void {
  if (series.window !== undefined && series.window.size > 0) return;
  if (!series.open && series.breachStreak === 0 && series.history === 0 && !series.flapping) state.delete(key);
}

function result(kind: StepOutcome, series: SeriesState, flappingChanged: boolean): StepResult {
  return { kind, flapping: series.flapping, flappingChanged, breachSince: series.breachSince ?? 0 };
}
