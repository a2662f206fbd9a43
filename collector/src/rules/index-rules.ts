import type { Rule } from '@vigil/shared';
import { effectiveRule } from './effective-rule.js';
import { ruleKeyPrefix } from './series-key.js';
import type { AgentContext } from './types.js';

/** One agent's resolved overrides, valid while it stays in the tenant and site it was resolved for. */
interface AgentOverrides {
  tenantId: string;
  siteId: string;
  byRule: Map<string, Rule | null>;
}

/**
 * Enabled rules grouped by metric, built once whenever the rule set changes, so that evaluating a
 * frame costs one map lookup per sample and nothing more for metrics no rule watches.
 */
export interface RuleIndex {
  byMetric: ReadonlyMap<string, readonly Rule[]>;
  /** Number of rules indexed (enabled ones only). */
  size: number;
  /**
   * agentId → the effective form of each rule with overrides, filled as samples arrive: resolving
   * once per (rule, agent) keeps a copy of the rule from being made for every sample. A memo only
   * (the same inputs give the same answer); it goes with the index when the rules change.
   */
  overridesByAgent: Map<string, AgentOverrides>;
  /**
   * metric → tenant → the rules of that metric a tenant's agent can meet (unscoped ones and those
   * scoped to it), in index order. An MSP writes many rules per client: without this every frame
   * would test every client's rules. Filled as tenants appear; a memo like overridesByAgent.
   */
  byMetricForTenant: Map<string, Map<string, readonly Rule[]>>;
  /** rule id → ruleKeyPrefix(id), computed once per rule set instead of once per sample. */
  keyPrefixes: ReadonlyMap<string, string>;
}

/** Disabled rules are left out entirely: they neither open nor update nor resolve anything. */
export function indexRules(rules: readonly Rule[]): RuleIndex {
  const byMetric = new Map<string, Rule[]>();
  const keyPrefixes = new Map<string, string>();
  let size = 0;
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const forMetric = byMetric.get(rule.metric);
    if (forMetric) forMetric.push(rule);
    else byMetric.set(rule.metric, [rule]);
    keyPrefixes.set(rule.id, ruleKeyPrefix(rule.id));
    size += 1;
  }
  return { byMetric, size, overridesByAgent: new Map(), byMetricForTenant: new Map(), keyPrefixes };
}

/** The enabled rules on `metric` whose tenant scope lets an agent of `tenantId` through, in order. */
export function rulesForTenant(index: RuleIndex, metric: string, tenantId: string): readonly Rule[] | undefined {
  const rules = index.byMetric.get(metric);
  if (rules === undefined) return undefined;
  let byTenant = index.byMetricForTenant.get(metric);
  if (byTenant === undefined) {
    byTenant = new Map();
    index.byMetricForTenant.set(metric, byTenant);
  }
  let forTenant = byTenant.get(tenantId);
  if (forTenant === undefined) {
    forTenant = rules.filter((rule) => rule.scope.tenant === undefined || rule.scope.tenant === tenantId);
    byTenant.set(tenantId, forTenant);
  }
  return forTenant;
}

/**
 * effectiveRule(rule, agent), memoised in the index. Overrides match on agent, site and tenant
 * only, so an agent moved to another site or tenant is resolved afresh.
 */
export function ruleForAgent(index: RuleIndex, rule: Rule, agent: AgentContext): Rule | null {
  // Most rules have no overrides: no lookup at all.
  if (rule.overrides == null || rule.overrides.length === 0) return rule;
  let resolved = index.overridesByAgent.get(agent.agentId);
  if (resolved === undefined || resolved.tenantId !== agent.tenantId || resolved.siteId !== agent.siteId) {
    resolved = { tenantId: agent.tenantId, siteId: agent.siteId, byRule: new Map() };
    index.overridesByAgent.set(agent.agentId, resolved);
  }
  let effective = resolved.byRule.get(rule.id);
  if (effective === undefined) {
    effective = effectiveRule(rule, agent);
    resolved.byRule.set(rule.id, effective);
  }
  return effective;
}
