import { NotificationChannelInputSchema, NotificationChannelPatchSchema, NotificationDeliveryQuerySchema } from '@vigil/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import { parseOr400 } from '../http/validate.js';
import { toPublicChannel } from '../notify/channel-plan.js';

const IdParams = z.object({ id: z.string().min(1) });

/** Notification channels, and the record of what was sent through them. Secrets go in, never out (but once, at creation). */
export async function notificationChannelRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/v1/notification-channels', async () => ({ channels: ctx.notificationChannels.list().map(toPublicChannel) }));

  app.post('/api/v1/notification-channels', async (request, reply) => {
    const { channel, secret } = ctx.notificationChannels.create(parseOr400(NotificationChannelInputSchema, request.body), ctx.now());
    request.log.info({ channelId: channel.id, kind: channel.kind, by: request.caller?.name }, 'notification channel created');
    return reply.status(201).send({ ...toPublicChannel(channel), ...(secret !== null ? { secret } : {}) });
  });

  app.get('/api/v1/notification-channels/:id', async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const channel = ctx.notificationChannels.get(id);
    if (!channel) throw ApiError.notFound('notification channel', id);
    return toPublicChannel(channel);
  });

  app.patch('/api/v1/notification-channels/:id', async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const channel = ctx.notificationChannels.patch(id, parseOr400(NotificationChannelPatchSchema, request.body), ctx.now());
    request.log.info({ channelId: id, by: request.caller?.name }, 'notification channel changed');
    return toPublicChannel(channel);
  });

  app.delete('/api/v1/notification-channels/:id', async (request, reply) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    ctx.notificationChannels.delete(id);
    request.log.info({ channelId: id, by: request.caller?.name }, 'notification channel deleted');
    return reply.status(204).send();
  });

  app.get('/api/v1/notification-deliveries', async (request) => {
    const query = parseOr400(NotificationDeliveryQuerySchema, request.query, 'query');
    return {
      deliveries: ctx.store.notifications.listDeliveries({
        limit: query.limit, ...(query.channel !== undefined ? { channelId: query.channel } : {}), ...(query.status !== undefined ? { status: query.status } : {}),
      }),
    };
  });
}
