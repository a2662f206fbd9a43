import type { Rule } from '@vigil/shared';

/**
 * Enabled rules grouped by metric, built once whenever the rule set changes, so that evaluating a
 * frame costs one map lookup per sample and nothing more for metrics no rule watches.
 */
export interface RuleIndex {
  byMetric: ReadonlyMap<string, readonly Rule[]>;
  /** Number of rules indexed (enabled ones only). */
  size: number;
}

/** Disabled rules are left out entirely: they neither open nor update nor resolve anything. */
export function indexRules(rules: readonly Rule[]): RuleIndex {
  const byMetric = new Map<string, Rule[]>();
  let size = 0;
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const forMetric = byMetric.get(rule.metric);
    if (forMetric) forMetric.push(rule);
    else byMetric.set(rule.metric, [rule]);
    size += 1;
  }
  return { byMetric, size };
}
