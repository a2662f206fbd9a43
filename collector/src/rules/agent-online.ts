import { parseDuration, type Rule } from '@vigil/shared';

/**
 * `agent.online` is computed by the collector (1 when an agent comes online, 0 when it goes
 * offline), never reported by an agent: a frame that carries it does not reach any rule.
 */
export const AGENT_ONLINE_METRIC = 'agent.online';

/** The built-in "Agent offline" rule, seeded by a migration; admins may edit or disable it. */
export const OFFLINE_RULE_ID = 'rul_agent_offline';

export function isComputedMetric(metric: string): boolean {
  return metric === AGENT_ONLINE_METRIC;
}

/** What is wrong with a rule: the body field at fault (its dotted path) and why. */
export interface RuleProblem { path: string; message: string }

/**
 * Why a rule on a computed metric cannot work as written, or null. The metric gets one sample per
 * presence change and no labels, so a longer streak would never be reached and a label never match.
 */
export function computedRuleProblem(rule: Pick<Rule, 'metric' | 'forSamples' | 'labels' | 'for' | 'holdFor'>): RuleProblem | null {
  if (!isComputedMetric(rule.metric)) return null;
  if (rule.forSamples !== 1) return { path: 'forSamples', message: `${rule.metric} changes once per presence change, so forSamples must be 1 (the collector's --offline-after sets how long to wait)` };
  // Both are measured between samples, and the next sample only comes with the next change.
  if (rule.for && parseDuration(rule.for) > 0) return { path: 'for', message: `${rule.metric} changes once per presence change, so it cannot wait (the collector's --offline-after sets how long to wait)` };
  if (rule.holdFor && parseDuration(rule.holdFor) > 0) return { path: 'holdFor', message: `${rule.metric} changes once per presence change, so an alert held open would never resolve` };
  if (Object.keys(rule.labels).length > 0) return { path: 'labels', message: `${rule.metric} carries no labels` };
  return null;
}
