import { NotificationChannelInputSchema, NotificationChannelPatchSchema, NotificationDeliveryQuerySchema } from '@vigil/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { seesAllTenants } from '../auth/caller.js';
import { ApiError } from '../http/api-error.js';
import { parseOr400 } from '../http/validate.js';
import { toPublicChannel } from '../notify/channel-plan.js';
import type { StoredNotificationChannel } from '../store/notifications.js';
import { channelOwnership, owningTenant, readableBy } from './ownership.js';

const IdParams = z.object({ id: z.string().min(1) });

/** A channel's tenant is its filters' scope; none: MSP-wide. A PATCH that gives filters replaces them whole. */
const scopeTenant = (request: FastifyRequest) => owningTenant(request.body, 'filters', 'scope', 'tenant');
const changedScopeTenant = (request: FastifyRequest) =>
  typeof request.body === 'object' && request.body !== null && Object.hasOwn(request.body, 'filters') ? scopeTenant(request) : [];

const tenantOf = (channel: StoredNotificationChannel): string | null => channel.filters.scope.tenant ?? null;

/**
 * What the audit log keeps of a channel: never its secret, password or target (a webhook URL, a
 * chat integration's, often is a credential itself).
 */
function audited(channel: StoredNotificationChannel): unknown {
  const { target: _target, hasSecret: _hasSecret, id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...kept } = toPublicChannel(channel);
  return kept;
}

/** Notification channels, and the record of what was sent through them. Secrets go in, never out (but once, at creation). */
export async function notificationChannelRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const channelOf = channelOwnership(ctx);

  app.get('/api/v1/notification-channels', { config: { auth: { permission: 'notifications:read' } } }, async (request) => ({
    channels: ctx.notificationChannels.list().filter((c) => readableBy(request.caller!, tenantOf(c))).map(toPublicChannel),
  }));

  app.post('/api/v1/notification-channels', { config: { auth: { permission: 'notifications:write', tenants: scopeTenant } } }, async (request, reply) => {
    const input = parseOr400(NotificationChannelInputSchema, request.body);
    const { channel, secret } = ctx.notificationChannels.create(input, ctx.now(), (created) => ctx.audit.record(request, {
      action: 'notification_channel.created', tenantId: tenantOf(created), target: { type: 'notification_channel', id: created.id }, after: audited(created),
    }));
    request.log.info({ channelId: channel.id, kind: channel.kind, by: request.caller?.name }, 'notification channel created');
    return reply.status(201).send({ ...toPublicChannel(channel), ...(secret !== null ? { secret } : {}) });
  });

  app.get('/api/v1/notification-channels/:id', { config: { auth: { permission: 'notifications:read', target: channelOf } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const channel = ctx.notificationChannels.get(id);
    if (!channel) throw ApiError.notFound('notification channel', id);
    return toPublicChannel(channel);
  });

  app.patch('/api/v1/notification-channels/:id', {
    config: { auth: { permission: 'notifications:write', target: channelOf, tenants: changedScopeTenant } },
  }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const patch = parseOr400(NotificationChannelPatchSchema, request.body);
    const channel = ctx.notificationChannels.patch(id, patch, ctx.now(), (after, before) => ctx.audit.record(request, {
      action: 'notification_channel.updated', tenantId: tenantOf(after), target: { type: 'notification_channel', id },
      before: audited(before), after: { ...(audited(after) as object), targetChanged: 'target' in patch, secretChanged: 'secret' in patch },
    }));
    request.log.info({ channelId: id, by: request.caller?.name }, 'notification channel changed');
    return toPublicChannel(channel);
  });

  app.delete('/api/v1/notification-channels/:id', { config: { auth: { permission: 'notifications:write', target: channelOf } } }, async (request, reply) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    ctx.notificationChannels.delete(id, (deleted) => ctx.audit.record(request, {
      action: 'notification_channel.deleted', tenantId: tenantOf(deleted), target: { type: 'notification_channel', id }, before: audited(deleted),
    }));
    request.log.info({ channelId: id, by: request.caller?.name }, 'notification channel deleted');
    return reply.status(204).send();
  });

  // A delivery lists the alerts it carried, whatever their tenants: a single-tenant caller sees
  // the deliveries of its own tenants' channels only, not those of MSP-wide ones.
  app.get('/api/v1/notification-deliveries', { config: { auth: { permission: 'notifications:read' } } }, async (request) => {
    const query = parseOr400(NotificationDeliveryQuerySchema, request.query, 'query');
    const caller = request.caller!;
    const channelIds = seesAllTenants(caller) ? undefined
      : ctx.notificationChannels.list().filter((c) => tenantOf(c) !== null && readableBy(caller, tenantOf(c))).map((c) => c.id);
    return {
      deliveries: ctx.store.notifications.listDeliveries({
        limit: query.limit, ...(query.channel !== undefined ? { channelId: query.channel } : {}), ...(query.status !== undefined ? { status: query.status } : {}),
        ...(channelIds !== undefined ? { channelIds } : {}),
      }),
    };
  });
}
