import { UserInputSchema, UserPatchSchema } from '@vigil/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { canSeeTenant, seesAllTenants, type Caller } from '../auth/caller.js';
import { createUser, disableUser, resetUserTotp, unlockUser, updateUser, type Grantor, type RecordAudit } from '../auth/user-service.js';
import { publicUser } from '../auth/user-view.js';
import { ApiError } from '../http/api-error.js';
import { stringField, type Ownership, type RouteAuth } from '../http/authorize.js';
import { parseOr400 } from '../http/validate.js';
import type { UserRow } from '../store/index.js';

const IdParams = z.object({ id: z.string().min(1) });

/** A user is seen by callers who have all of the user's tenants; an owner (`*`) by all-tenant callers only. */
export function userOwnership(user: UserRow): Ownership {
  return { label: `user ${user.id}`, tenants: user.tenants };
}

function seesUser(caller: Caller, user: UserRow): boolean {
  return user.tenants.every((t) => (t === '*' ? seesAllTenants(caller) : canSeeTenant(caller, t)));
}

/** The tenants a POST or PATCH body grants, for the route's declaration (unvalidated: strings only). */
function grantedTenants(request: FastifyRequest): string[] {
  const tenants = (request.body as { tenants?: unknown } | undefined)?.tenants;
  return Array.isArray(tenants) ? tenants.filter((t): t is string => typeof t === 'string') : [];
}

export async function userRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const target = (request: FastifyRequest): Ownership | undefined => {
    const id = stringField(request.params, 'id');
    const user = id === undefined ? undefined : ctx.store.users.get(id);
    return user && userOwnership(user);
  };
  const read: RouteAuth = { permission: 'users:read', target };
  const write: RouteAuth = { permission: 'users:write', target };
  const requireUser = (request: FastifyRequest): UserRow => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const user = ctx.store.users.get(id);
    if (!user) throw ApiError.notFound('user', id);
    return user;
  };
  const grantor = (request: FastifyRequest): Grantor => ({ role: request.caller!.role, userId: request.caller!.userId });
  const audit = (request: FastifyRequest): RecordAudit => (entry) => ctx.audit.record(request, entry);

  app.get('/api/v1/users', { config: { auth: { permission: 'users:read' } } }, async (request) => ({
    users: ctx.store.users.list().filter((u) => seesUser(request.caller!, u)).map(publicUser),
  }));

  app.post('/api/v1/users', { config: { auth: { permission: 'users:write', tenants: grantedTenants } } }, async (request, reply) => {
    const input = parseOr400(UserInputSchema, request.body);
    const user = await createUser(ctx, input, grantor(request), audit(request));
    request.log.info({ userId: user.id, username: user.username, role: user.role, by: request.caller!.name }, 'user created');
    return reply.status(201).send(user);
  });

  app.get('/api/v1/users/:id', { config: { auth: read } }, async (request) => publicUser(requireUser(request)));

  app.patch('/api/v1/users/:id', { config: { auth: { ...write, tenants: grantedTenants } } }, async (request) => {
    const user = requireUser(request);
    const patch = parseOr400(UserPatchSchema, request.body);
    const updated = await updateUser(ctx, user, patch, grantor(request), audit(request));
    request.log.info({ userId: user.id, fields: Object.keys(patch), by: request.caller!.name }, 'user updated');
    return updated;
  });

  app.delete('/api/v1/users/:id', { config: { auth: write } }, async (request, reply) => {
    const user = requireUser(request);
    disableUser(ctx, user, grantor(request), audit(request));
    request.log.info({ userId: user.id, by: request.caller!.name }, 'user disabled');
    return reply.status(204).send();
  });

  app.post('/api/v1/users/:id/unlock', { config: { auth: write } }, async (request, reply) => {
    unlockUser(ctx, requireUser(request), grantor(request), audit(request));
    return reply.status(204).send();
  });

  app.delete('/api/v1/users/:id/totp', { config: { auth: write } }, async (request, reply) => {
    resetUserTotp(ctx, requireUser(request), grantor(request), audit(request));
    return reply.status(204).send();
  });
}
