import type { Rule } from '@vigil/shared';
import type { AgentContext } from './types.js';

/**
 * Whether the rule's scope covers the agent. Every field given narrows (tenant, site, os must be
 * equal; the agent must carry all listed tags); absent fields, and an empty tag list, don't.
 */
export function ruleAppliesTo(rule: Rule, agent: AgentContext): boolean {
  const { tenant, site, tags, os } = rule.scope;
  if (tenant !== undefined && tenant !== agent.tenantId) return false;
  if (site !== undefined && site !== agent.siteId) return false;
  if (os !== undefined && os !== agent.os) return false;
  if (tags !== undefined) {
    for (const tag of tags) {
      if (!agent.tags.includes(tag)) return false;
    }
  }
  return true;
}
