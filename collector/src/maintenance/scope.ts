import type { MaintenanceScope } from '@vigil/shared';
import type { AgentContext } from '../rules/index.js';

/**
 * Whether a window's scope covers the agent. As for rules, every field given narrows (tenant,
 * site, os equal; every listed tag carried) and an empty scope covers every agent; `agentIds`
 * narrows to the agents listed.
 */
export function windowCovers(scope: MaintenanceScope, agent: AgentContext): boolean {
  if (scope.tenant !== undefined && scope.tenant !== agent.tenantId) return false;
  if (scope.site !== undefined && scope.site !== agent.siteId) return false;
  if (scope.os !== undefined && scope.os !== agent.os) return false;
  if (scope.tags !== undefined && !scope.tags.every((tag) => agent.tags.includes(tag))) return false;
  if (scope.agentIds !== undefined && !scope.agentIds.includes(agent.agentId)) return false;
  return true;
}
