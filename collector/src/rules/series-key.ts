import { labelsKey, type Labels } from '@vigil/shared';

// Ids are percent-encoded so that the separator can never appear inside them: the key then splits
// unambiguously, and every series of a rule shares the prefix ruleKeyPrefix(ruleId). The label part
// comes last and needs no escaping; labelsKey already makes {a,b} and {b,a} the same series.
const SEPARATOR = '|';

/** Identity of one series, and so of at most one open alert: rule × agent × full label set. */
export function seriesKey(ruleId: string, agentId: string, labels: Labels): string {
  return ruleKeyPrefix(ruleId) + seriesKeySuffix(agentId, labels);
}

/**
 * The part of a series key after the rule prefix: the same for every rule a sample meets, so a
 * frame's evaluation builds it once per sample rather than once per (rule, sample).
 */
export function seriesKeySuffix(agentId: string, labels: Labels): string {
  return encodeURIComponent(agentId) + SEPARATOR + labelsKey(labels);
}

/** Every series key of the rule starts with this, and no key of another rule does. */
export function ruleKeyPrefix(ruleId: string): string {
  return encodeURIComponent(ruleId) + SEPARATOR;
}
