import type { Permission } from '@vigil/shared';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { canSeeTenant, seesAllTenants, type Caller } from '../auth/caller.js';
import { ApiError } from './api-error.js';

/**
 * Whose an object is. `tenants` null: MSP-wide (a global rule, the shared script library), which
 * every tenant may read and only an all-tenant caller may change. A list: the object is visible
 * only to a caller who sees every one of them (a job across two tenants, a user of several);
 * `*` in it: only to all-tenant callers (an owner user). `ownerUserId`: a user's own token, which
 * its user may manage whatever their role.
 */
export interface Ownership {
  /** How the 404 names it: "agent agt_…". */
  label: string;
  tenants: readonly string[] | null;
  ownerUserId?: string;
}

/**
 * `self`: any valid caller, acting only on its own session (who am I, log out). A token scoped to
 * `alerts:read` must still be able to end itself.
 */
export type RoutePermission = Permission | 'self';

/** The declarative permission of a route: what it needs, and how to find the tenants it touches. */
export interface RouteAuth {
  permission: RoutePermission;
  /** The object the URL names; undefined when there is none (the handler answers 404 itself). */
  target?: (request: FastifyRequest) => Ownership | undefined;
  /**
   * Tenants the request names in its body or query (where an object is created, a list
   * filtered): each must be the caller's; null names MSP-wide, for all-tenant callers only.
   */
  tenants?: (request: FastifyRequest) => ReadonlyArray<string | null>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route that is not public: see installAuthorization. */
    auth?: RouteAuth;
  }
}

export interface RegisteredRoute { method: string; url: string; public: boolean; auth: RouteAuth | undefined; websocket: boolean }

const isRead = (permission: RoutePermission) => permission.endsWith(':read');

function forbidden(caller: Caller, permission: Permission): ApiError {
  return new ApiError(403, 'forbidden', `forbidden: needs ${permission}, which neither role ${caller.role} nor this token's scopes grant`);
}

/** Visible: every tenant of the object is the caller's. */
function sees(caller: Caller, tenants: readonly string[]): boolean {
  return tenants.every((t) => (t === '*' ? seesAllTenants(caller) : canSeeTenant(caller, t)));
}

/** Applies a route's declared permission to one request; throws the 403 or 404 that belongs. */
export function authorize(caller: Caller, auth: RouteAuth, request: FastifyRequest): void {
  if (auth.permission !== 'self' && !caller.permissions.has(auth.permission)) throw forbidden(caller, auth.permission);
  const owned = auth.target?.(request);
  if (owned) {
    const ownToken = owned.ownerUserId !== undefined && owned.ownerUserId === caller.userId;
    if (!ownToken) {
      // Someone else's token: managing it takes managing users, and seeing them.
      if (owned.ownerUserId !== undefined && !caller.permissions.has(isRead(auth.permission) ? 'users:read' : 'users:write')) {
        throw new ApiError(404, 'not_found', `${owned.label} does not exist`);
      }
      // Another tenant's object is answered as if it did not exist: its existence is not the caller's business.
      if (owned.tenants !== null && !sees(caller, owned.tenants)) throw new ApiError(404, 'not_found', `${owned.label} does not exist`);
      if (owned.tenants === null && !isRead(auth.permission) && !seesAllTenants(caller)) {
        throw new ApiError(403, 'forbidden', `forbidden: ${owned.label} is MSP-wide, read-only for users of single tenants`);
      }
    }
  }
  for (const tenant of auth.tenants?.(request) ?? []) {
    if (tenant === null) {
      if (!seesAllTenants(caller)) throw new ApiError(403, 'forbidden', 'forbidden: only an all-tenant user may act MSP-wide; name one of your tenants');
    } else if (!canSeeTenant(caller, tenant)) {
      throw new ApiError(404, 'not_found', `tenant ${tenant} does not exist`);
    }
  }
}

/**
 * Authorization in one place: every route declares `config.public` or `config.auth` (a route
 * with neither refuses to register, so a new route cannot slip through unguarded), and one
 * preHandler hook applies the declaration before any handler runs. Lists still narrow to the
 * caller's tenants in their queries (visibleTenants).
 */
export function installAuthorization(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const config = (route.config ?? {}) as { public?: boolean; auth?: RouteAuth };
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!config.public && !config.auth) throw new Error(`route ${methods.join(',')} ${route.url} declares neither config.auth nor config.public`);
    for (const method of methods) {
      routes.push({ method, url: route.url, public: config.public === true, auth: config.auth, websocket: (route as { websocket?: boolean }).websocket === true });
    }
  });
  app.addHook('preHandler', async (request) => {
    const config = request.routeOptions.config;
    if (config.public || !request.routeOptions.url) return;
    if (!request.caller) throw new ApiError(401, 'unauthorized', 'missing bearer token: send Authorization: Bearer <token>');
    authorize(request.caller, config.auth!, request);
  });
  return routes;
}

/** A string field of the parsed body or query, for RouteAuth.tenants; anything else counts as absent. */
export function stringField(value: unknown, ...path: string[]): string | undefined {
  let at: unknown = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'string' ? at : undefined;
}
