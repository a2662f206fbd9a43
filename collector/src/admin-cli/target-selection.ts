import { briefTargets, type Agent, type JobTargets, type JobTargetsBrief } from '@vigil/shared';
import type { Query } from './api-client.js';
import { UsageError } from './cli-error.js';

/** Which agents a command acts on: filters that match agents, plus agents named by id. */
export interface TargetSelector {
  tenant?: string;
  site?: string;
  /** The agent must carry every one of these tags (as a rule's scope does). */
  tags: readonly string[];
  os?: string;
  agentIds: readonly string[];
}

export function hasFilters(selector: TargetSelector): boolean {
  return selector.tenant !== undefined || selector.site !== undefined || selector.tags.length > 0 || selector.os !== undefined;
}

export function requireSelection(selector: TargetSelector): void {
  if (!hasFilters(selector) && selector.agentIds.length === 0) {
    throw new UsageError('choose the agents: give at least one of --tenant, --site, --tag, --os or --agent');
  }
}

/** GET /api/v1/agents query for the selector's filters. The API filters on one tag; the rest are matched here. */
export function agentQuery(selector: TargetSelector, limit?: number): Query {
  return { tenant: selector.tenant, site: selector.site, tag: selector.tags[0], os: selector.os, limit };
}

/** Checked here as well as by the server, so a listing never shows an agent outside the filters given. */
export function matchesFilters(agent: Agent, selector: TargetSelector): boolean {
  if (selector.tenant !== undefined && agent.tenantId !== selector.tenant) return false;
  if (selector.site !== undefined && agent.siteId !== selector.site) return false;
  if (selector.os !== undefined && agent.os.platform !== selector.os) return false;
  return selector.tags.every((tag) => agent.tags.includes(tag));
}

/**
 * The selection as a job's server-side targets: the collector resolves them when it dispatches,
 * so agents enrolled or revoked between listing and dispatch are handled where the truth is.
 * Empty lists are left out (the API wants at least one entry where a list is given).
 */
export function jobTargets(selector: TargetSelector): JobTargets {
  return {
    ...(selector.tenant !== undefined ? { tenant: selector.tenant } : {}),
    ...(selector.site !== undefined ? { site: selector.site } : {}),
    ...(selector.tags.length > 0 ? { tags: [...new Set(selector.tags)] } : {}),
    ...(selector.os !== undefined ? { os: selector.os as JobTargets['os'] } : {}),
    ...(selector.agentIds.length > 0 ? { agentIds: [...new Set(selector.agentIds)] } : {}),
  };
}

/** "--tenant acme --tag web": the selector as the user typed it, for messages. */
export function describeSelector(selector: TargetSelector): string {
  const parts: string[] = [];
  if (selector.tenant !== undefined) parts.push(`--tenant ${selector.tenant}`);
  if (selector.site !== undefined) parts.push(`--site ${selector.site}`);
  for (const tag of selector.tags) parts.push(`--tag ${tag}`);
  if (selector.os !== undefined) parts.push(`--os ${selector.os}`);
  for (const id of selector.agentIds) parts.push(`--agent ${id}`);
  return parts.join(' ');
}

/** "tenant=acme tags=web,prod agents=3": a job's targets as it was created with them, in one cell; '-' when not recorded. */
export function formatJobTargets(targets: JobTargets | JobTargetsBrief | null): string {
  if (targets === null) return '-';
  const brief = briefTargets(targets);
  const parts: string[] = [];
  if (brief.tenant !== undefined) parts.push(`tenant=${brief.tenant}`);
  if (brief.site !== undefined) parts.push(`site=${brief.site}`);
  if (brief.tags?.length) parts.push(`tags=${brief.tags.join(',')}`);
  if (brief.os !== undefined) parts.push(`os=${brief.os}`);
  if (brief.agentIdCount !== undefined) parts.push(`agents=${brief.agentIdCount}`);
  return parts.join(' ') || '-';
}
