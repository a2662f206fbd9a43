import type { AgentRow } from '../store/index.js';
import type { EvaluatedAgent } from './alert-service.js';

/** What rules see of a stored agent: its identity, place in the tenancy, tags and OS. */
export function evaluatedAgentFromRow(row: AgentRow): EvaluatedAgent {
  return { agentId: row.id, tenantId: row.tenantId, siteId: row.siteId, tags: row.tags, os: row.os.platform, hostname: row.hostname };
}
