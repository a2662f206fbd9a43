import type { MaintenanceScope, RuleScope } from '@vigil/shared';
import { joinList, splitList } from './field-paths.js';

/**
 * The scope of a rule or a maintenance window as its form edits it: one text per field. The two
 * differ only in the name of their explicit agent list (`agents` for a rule, `agentIds` for a window).
 */
export interface ScopeForm {
  tenant: string;
  site: string;
  tags: string;
  os: '' | NonNullable<RuleScope['os']>;
  agents: string;
}

export type AgentsKey = 'agents' | 'agentIds';

export const EMPTY_SCOPE: ScopeForm = { tenant: '', site: '', tags: '', os: '', agents: '' };

/** The scope's body: only what narrows it, so an empty form means every agent. */
function scopeBody(form: ScopeForm, agentsKey: AgentsKey): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (form.tenant.trim()) body.tenant = form.tenant.trim();
  if (form.site.trim()) body.site = form.site.trim();
  const tags = splitList(form.tags);
  if (tags.length > 0) body.tags = tags;
  if (form.os) body.os = form.os;
  const agents = splitList(form.agents);
  if (agents.length > 0) body[agentsKey] = agents;
  return body;
}

export const ruleScopeBody = (form: ScopeForm): RuleScope => scopeBody(form, 'agents') as RuleScope;
export const windowScopeBody = (form: ScopeForm): MaintenanceScope => scopeBody(form, 'agentIds') as MaintenanceScope;

export function ruleScopeForm(scope: RuleScope): ScopeForm {
  return { tenant: scope.tenant ?? '', site: scope.site ?? '', tags: joinList(scope.tags), os: scope.os ?? '', agents: joinList(scope.agents) };
}

export function windowScopeForm(scope: MaintenanceScope): ScopeForm {
  return { tenant: scope.tenant ?? '', site: scope.site ?? '', tags: joinList(scope.tags), os: scope.os ?? '', agents: joinList(scope.agentIds) };
}

const OS_NAMES: Record<NonNullable<RuleScope['os']>, string> = { linux: 'Linux', windows: 'Windows', darwin: 'macOS' };

/** "tenant acme · site hq · tags web, db · Linux · 2 agents", or "all agents" when nothing narrows it. */
export function scopeSummary(scope: RuleScope | MaintenanceScope): string {
  const agents = 'agentIds' in scope ? scope.agentIds : 'agents' in scope ? scope.agents : undefined;
  const parts = [
    scope.tenant && `tenant ${scope.tenant}`,
    scope.site && `site ${scope.site}`,
    scope.tags && scope.tags.length > 0 && `tag${scope.tags.length > 1 ? 's' : ''} ${scope.tags.join(', ')}`,
    scope.os && OS_NAMES[scope.os],
    agents && agents.length > 0 && (agents.length === 1 ? `agent ${agents[0]}` : `${agents.length} agents`),
  ].filter((part): part is string => typeof part === 'string' && part !== '');
  return parts.length > 0 ? parts.join(' · ') : 'all agents';
}
