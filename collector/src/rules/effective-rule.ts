import type { Rule, RuleOverride } from '@vigil/shared';
import type { AgentContext } from './types.js';

/** How specific an override's match is: one naming an agent beats a site, a site beats a tenant. */
function specificity(match: RuleOverride['match']): number {
  if (match.agent !== undefined) return 3;
  if (match.site !== undefined) return 2;
  return 1;
}

function matches(match: RuleOverride['match'], agent: AgentContext): boolean {
  return (match.tenant === undefined || match.tenant === agent.tenantId)
    && (match.site === undefined || match.site === agent.siteId)
    && (match.agent === undefined || match.agent === agent.agentId);
}

/** The override that applies to the agent, or undefined: the most specific, the later among equals. */
export function winningOverride(rule: Rule, agent: AgentContext): RuleOverride | undefined {
  let winner: RuleOverride | undefined;
  let best = 0;
  for (const override of rule.overrides ?? []) {
    const rank = specificity(override.match);
    // `>=`: a later entry of the same specificity replaces an earlier one.
    if (rank >= best && matches(override.match, agent)) {
      winner = override;
      best = rank;
    }
  }
  return winner;
}

/**
 * The rule as it applies to one agent: the winning override's threshold, clearThreshold and
 * priority in place of the rule's, everything else the rule's; null when that override switches
 * the rule off. Without a matching override (or one that changes nothing) the rule itself comes
 * back, not a copy, so the common case allocates nothing. Scope and exclusions are scope.ts's.
 */
export function effectiveRule(rule: Rule, agent: AgentContext): Rule | null {
  const override = winningOverride(rule, agent);
  if (override === undefined) return rule;
  if (override.enabled === false) return null;
  if (override.threshold === undefined && override.clearThreshold === undefined && override.priority === undefined) return rule;
  return {
    ...rule,
    threshold: override.threshold ?? rule.threshold,
    clearThreshold: override.clearThreshold === undefined ? rule.clearThreshold : override.clearThreshold,
    priority: override.priority ?? rule.priority,
  };
}
