import { formatDuration, type Alert, type Rule } from '@vigil/shared';
import { compare } from '../rules/index.js';
import { stepLabel } from './runbook-steps.js';

/** What the verify stage knows when it looks. */
export interface VerifyFacts {
  alert: Pick<Alert, 'state' | 'resolvedBy' | 'op' | 'threshold' | 'value' | 'suppressedBy'>;
  /** The rule as it applies to the alert's agent (an override's thresholds); null when it is gone. */
  rule: Pick<Rule, 'op' | 'threshold' | 'clearThreshold'> | null;
  /**
   * Whether the rule keeps an alert open for a while after its value clears (holdFor). Without
   * that, the rule engine resolves the alert on the clear sample itself, and verification only
   * waits to see it resolved: the two never race to resolve one alert.
   */
  ruleHoldsClearAlerts: boolean;
  /** When the agent's newest frame arrived; null before any. */
  latestFrameAt: number | null;
}

export type VerifyDecision =
  | { kind: 'wait' }
  /** Resolved already (the rule engine saw it clear, or someone resolved it): the run ends resolved. */
  | { kind: 'resolved'; outcome: string }
  /** Still open, held by the rule's holdFor, but clear on fresh telemetry: the runbook resolves it. */
  | { kind: 'resolve'; outcome: string }
  | { kind: 'escalate'; outcome: string };

/**
 * Whether the alert's value no longer holds it open: the rule's clear logic (the value crossed
 * back over clearThreshold, or threshold without one). A suppressed alert's value is what its
 * offline agent last said, which clears nothing.
 */
export function conditionCleared(facts: Pick<VerifyFacts, 'alert' | 'rule'>): boolean {
  if (facts.alert.suppressedBy !== null) return false;
  const op = facts.rule?.op ?? facts.alert.op;
  const clearAt = facts.rule ? facts.rule.clearThreshold ?? facts.rule.threshold : facts.alert.threshold;
  return !compare(op, facts.alert.value, clearAt);
}

/**
 * The verify stage began at `since` (the last step finished then) and lasts `withinMs`. Only
 * telemetry received after `since` counts: a value from before the fix proves nothing. The
 * alert's value is what the rule engine last evaluated, so a fresh frame has already updated it.
 */
export function verifyDecision(since: number, withinMs: number, lastStep: number, facts: VerifyFacts, now: number): VerifyDecision {
  const after = `after ${stepLabel(lastStep)}`;
  if (facts.alert.state === 'resolved') {
    const by = facts.alert.resolvedBy;
    return { kind: 'resolved', outcome: by === 'auto' || by === null ? `condition cleared ${after}` : `alert resolved by ${by} ${after}` };
  }
  const fresh = facts.latestFrameAt !== null && facts.latestFrameAt > since;
  if (fresh && facts.ruleHoldsClearAlerts && conditionCleared(facts)) return { kind: 'resolve', outcome: `condition cleared ${after}` };
  if (now < since + withinMs) return { kind: 'wait' };
  const within = formatDuration(withinMs);
  return { kind: 'escalate', outcome: fresh ? `condition still present ${within} ${after}` : `no telemetry from the agent within ${within} ${after}` };
}
