import { RULE_LIFECYCLE_DEFAULTS, parseDuration, type Rule } from '@vigil/shared';

/** A rule's lifecycle settings in milliseconds and percent, defaults applied. */
export interface RuleTiming {
  /** How long the condition must hold before the alert opens (0: forSamples alone decides). */
  forMs: number;
  /** How long an open alert waits, clear, before it resolves (0: at the first clear sample). */
  holdMs: number;
  /** A breach starting this soon after the series' alert resolved continues that alert. */
  reopenMs: number;
  flapHigh: number;
  flapLow: number;
  /** The aggregation window (0: the rule compares each sample as it comes). */
  windowMs: number;
}

// Parsed once per rule object: rules are replaced, never mutated, when patched, so an entry can
// never go stale, and a rule that is dropped takes its entry with it.
const cache = new WeakMap<Rule, RuleTiming>();

export function ruleTiming(rule: Rule): RuleTiming {
  let timing = cache.get(rule);
  if (timing === undefined) {
    timing = {
      forMs: rule.for ? parseDuration(rule.for) : 0,
      holdMs: rule.holdFor ? parseDuration(rule.holdFor) : 0,
      reopenMs: parseDuration(rule.reopenWithin ?? RULE_LIFECYCLE_DEFAULTS.reopenWithin),
      flapHigh: rule.flapHighThreshold ?? RULE_LIFECYCLE_DEFAULTS.flapHighThreshold,
      flapLow: rule.flapLowThreshold ?? RULE_LIFECYCLE_DEFAULTS.flapLowThreshold,
      // The schema requires both or neither; without an aggregate the window means nothing.
      windowMs: rule.window && rule.aggregate ? parseDuration(rule.window) : 0,
    };
    cache.set(rule, timing);
  }
  return timing;
}
