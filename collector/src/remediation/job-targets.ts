import type { JobTargets, Script } from '@vigil/shared';
import { ApiError } from '../http/api-error.js';
import type { AgentStore, TargetAgent } from '../store/agents.js';

/** How a job names its agents: `targets`, or the older top-level `agentIds` (the same as targets.agentIds). */
export interface TargetRequest {
  targets?: JobTargets | undefined;
  agentIds?: readonly string[] | undefined;
}

const invalid = (field: string, message: string) => ApiError.invalidField('body', field, message);

/**
 * The agents a job runs on. Named agents must each exist, be the caller's and not be revoked
 * (another tenant's answers 404 like a missing one); filters (tenant, site, all tags, OS) select
 * among the caller's non-revoked agents, further narrowed to the OSes the script is for. A
 * tenant's script runs on that tenant's agents only. Nothing selected is a 400.
 */
export function resolveTargets(
  agents: Pick<AgentStore, 'selectTargets' | 'targetsByIds'>,
  request: TargetRequest,
  script: Pick<Script, 'id' | 'tenantId' | 'os'>,
  visibleTenants: readonly string[] | null,
): TargetAgent[] {
  const sees = (tenantId: string) => visibleTenants === null || visibleTenants.includes(tenantId);
  const targets = request.targets ?? {};
  if (request.agentIds && targets.agentIds) throw invalid('agentIds', 'name the agents in targets.agentIds or agentIds, not both');
  const named = targets.agentIds ?? request.agentIds;
  const filtered = targets.tenant !== undefined || targets.site !== undefined || (targets.tags?.length ?? 0) > 0 || targets.os !== undefined;
  const field = targets.agentIds ? 'targets.agentIds' : 'agentIds';

  let selected: TargetAgent[];
  if (named) {
    const unique = [...new Set(named)];
    const found = new Map(agents.targetsByIds(unique).map((a) => [a.id, a]));
    selected = [];
    for (const id of unique) {
      const agent = found.get(id);
      if (!agent || !sees(agent.tenantId)) throw ApiError.notFound('agent', id);
      if (agent.revoked) throw invalid(field, `agent ${id} is revoked`);
      selected.push({ id: agent.id, tenantId: agent.tenantId, platform: agent.platform });
    }
    // Filters given beside named agents narrow them, as every field of targets does.
    if (filtered) {
      const matching = new Set(agents.selectTargets({
        tenantId: targets.tenant, siteId: targets.site, tags: targets.tags, platform: targets.os, visibleTenants,
      }).map((a) => a.id));
      selected = selected.filter((a) => matching.has(a.id));
    }
  } else {
    selected = agents
      .selectTargets({ tenantId: targets.tenant, siteId: targets.site, tags: targets.tags, platform: targets.os, visibleTenants })
      // A script for Linux is not meant for the Windows machines of a tenant-wide selection.
      .filter((a) => script.os.includes(a.platform));
  }

  if (selected.length === 0) throw invalid(named ? field : 'targets', 'no agent matches');
  if (script.tenantId !== null) {
    // A tenant's script is that tenant's business; it never runs on another's endpoints.
    const foreign = selected.find((a) => a.tenantId !== script.tenantId);
    if (foreign) {
      throw invalid(named ? field : 'targets', `script ${script.id} belongs to tenant ${script.tenantId}; agent ${foreign.id} is of tenant ${foreign.tenantId}`);
    }
  }
  return selected;
}
