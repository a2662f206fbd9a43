import type { Rule } from '@vigil/shared';
import type { AgentContext } from './types.js';

/**
 * Whether the rule's scope covers the agent and no exclusion leaves it out. Every scope field
 * given narrows (tenant, site, os must be equal; the agent must carry all listed tags and, with
 * `agents`, be one of them); absent fields, and an empty tag list, don't. An agent matching any
 * exclusion (its id, its site, or one of its tags) is out, so one noisy server can be left out of
 * a tenant-wide rule.
 */
export function ruleAppliesTo(rule: Rule, agent: AgentContext): boolean {
  const { tenant, site, tags, os, agents } = rule.scope;
  if (tenant !== undefined && tenant !== agent.tenantId) return false;
  if (site !== undefined && site !== agent.siteId) return false;
  if (os !== undefined && os !== agent.os) return false;
  if (agents !== undefined && !agents.includes(agent.agentId)) return false;
  if (tags !== undefined) {
    for (const tag of tags) {
      if (!agent.tags.includes(tag)) return false;
    }
  }
  return rule.exclude == null || !isExcluded(rule.exclude, agent);
}

function isExcluded(exclude: NonNullable<Rule['exclude']>, agent: AgentContext): boolean {
  if (exclude.agents?.includes(agent.agentId)) return true;
  if (exclude.sites?.includes(agent.siteId)) return true;
  return exclude.tags?.some((tag) => agent.tags.includes(tag)) ?? false;
}
