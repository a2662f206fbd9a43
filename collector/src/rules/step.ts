import type { Rule } from '@vigil/shared';
import { compare } from './compare.js';
import type { EngineState } from './types.js';

/** What one sample did to one series; the caller turns it into a Transition. */
export type StepOutcome = 'open' | 'update' | 'resolve' | null;

/**
 * Advances one series by one sample. The state machine:
 * - closed: a breach extends the streak and opens at exactly forSamples; anything else resets it.
 * - open: stays open (update) while the value is still held by the clear condition, otherwise
 *   resolves and closes with streak 0. Holding uses `clearThreshold ?? threshold` with the same
 *   operator, so '>' 90 / clear 85 stays open at 88 and resolves at 85.
 * The current rule is always used, so a patched threshold applies from the next sample on.
 */
export function stepSeries(state: EngineState, key: string, rule: Rule, value: number): StepOutcome {
  const series = state.get(key);

  if (series?.open) {
    if (compare(rule.op, value, rule.clearThreshold ?? rule.threshold)) {
      series.lastValue = value;
      return 'update';
    }
    // Closed with no streak is represented by absence (see EngineState).
    state.delete(key);
    return 'resolve';
  }

  if (!compare(rule.op, value, rule.threshold)) {
    if (series) state.delete(key);
    return null;
  }

  const breachStreak = (series?.breachStreak ?? 0) + 1;
  // `>=` rather than `===`: if forSamples was lowered by a patch below an ongoing streak, the
  // next breach opens instead of never reaching the count.
  const open = breachStreak >= rule.forSamples;
  if (series) {
    series.breachStreak = breachStreak;
    series.open = open;
    series.lastValue = value;
  } else {
    state.set(key, { breachStreak, open, lastValue: value });
  }
  return open ? 'open' : null;
}
