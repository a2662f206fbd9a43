import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { canSeeTenant, type Caller } from '../auth/caller.js';
import { stringField, type Ownership } from '../http/authorize.js';

/**
 * Whose object a URL names, for RouteAuth.target. Each resolver answers undefined when the object
 * does not exist, so that the handler answers its own 404 with the same message a foreign object gets.
 */
export type OwnershipResolver = (request: FastifyRequest) => Ownership | undefined;

const param = (request: FastifyRequest, name: string): string | undefined => stringField(request.params, name);

/** A tenant's object, or an MSP-wide one (no tenant). */
const ownedBy = (label: string, tenantId: string | null | undefined): Ownership => ({ label, tenants: tenantId ? [tenantId] : null });

/**
 * The resolver of one kind of object: look it up by the `:name` param and say whose it is. A job
 * is not one of these: its tenants are those of its agents (jobOwnership).
 */
function ownershipBy<T extends { id: string }>(what: string, lookup: (id: string) => T | undefined, tenantOf: (found: T) => string | null | undefined, name: string): OwnershipResolver {
  return (request) => {
    const id = param(request, name);
    const found = id === undefined ? undefined : lookup(id);
    return found && ownedBy(`${what} ${found.id}`, tenantOf(found));
  };
}

export const agentOwnership = (ctx: AppContext, name = 'id') => ownershipBy('agent', (id) => ctx.store.agents.get(id), (a) => a.tenantId, name);
export const alertOwnership = (ctx: AppContext, name = 'id') => ownershipBy('alert', (id) => ctx.store.alerts.get(id), (a) => a.tenantId, name);
/** A rule's tenant is its scope's; a rule without one is global (MSP-wide). */
export const ruleOwnership = (ctx: AppContext, name = 'id') => ownershipBy('rule', (id) => ctx.alerts.getRule(id), (r) => r.scope.tenant, name);
export const scriptOwnership = (ctx: AppContext, name = 'id') => ownershipBy('script', (id) => ctx.store.scripts.get(id), (s) => s.tenantId, name);
export const windowOwnership = (ctx: AppContext, name = 'id') =>
  ownershipBy('maintenance window', (id) => ctx.store.maintenance.get(id), (w) => w.scope.tenant, name);
/** A channel's tenant is its filters' scope; one without is MSP-wide. */
export const channelOwnership = (ctx: AppContext, name = 'id') =>
  ownershipBy('notification channel', (id) => ctx.notificationChannels.get(id), (c) => c.filters.scope.tenant, name);
export const enrollmentTokenOwnership = (ctx: AppContext, name = 'id') =>
  ownershipBy('enrollment token', (id) => ctx.store.tokens.getEnrollmentToken(id), (t) => t.tenantId, name);

/** A job belongs to the tenants of the agents it ran on: one spanning tenants is visible only to who sees all of them. */
export function jobOwnership(ctx: AppContext, name = 'id'): OwnershipResolver {
  return (request) => {
    const id = param(request, name);
    const job = id === undefined ? undefined : ctx.store.jobs.getRecord(id);
    if (!job) return undefined;
    const tenants = ctx.store.jobs.tenantsOf(job.id);
    // A job whose agents are all gone was somebody's; only who sees every tenant may still look at it.
    return { label: `job ${job.id}`, tenants: tenants.length > 0 ? tenants : ['*'] };
  };
}

/**
 * The tenant the URL names, whether it exists or not: a foreign one is answered 404 like a missing
 * one, and for the caller's own the handler says whether it exists.
 */
export function tenantOwnership(name = 'id'): OwnershipResolver {
  return (request) => {
    const id = param(request, name);
    return id === undefined ? undefined : { label: `tenant ${id}`, tenants: [id] };
  };
}

/** For RouteAuth.tenants: the tenant a `?tenant=` filter names, none when absent. */
export function queryTenant(request: FastifyRequest): string[] {
  return namedTenant(request.query, 'tenant');
}

/** For RouteAuth.tenants: the tenant at `path` in an unvalidated body or query, none when absent (validation answers that). */
export function namedTenant(value: unknown, ...path: string[]): string[] {
  const tenant = stringField(value, ...path);
  return tenant === undefined ? [] : [tenant];
}

/**
 * For RouteAuth.tenants of an object that is created or moved: its tenant at `path`, or null when
 * absent, which makes it MSP-wide (for all-tenant callers only).
 */
export function owningTenant(value: unknown, ...path: string[]): Array<string | null> {
  return [stringField(value, ...path) ?? null];
}

/** For lists filtered in memory: an object of this tenant (none: MSP-wide, readable by everyone) is the caller's to see. */
export function readableBy(caller: Caller, tenantId: string | null | undefined): boolean {
  return !tenantId || canSeeTenant(caller, tenantId);
}
