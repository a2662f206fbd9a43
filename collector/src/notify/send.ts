import { TIMESTAMP_HEADER, SIGNATURE_HEADER } from '@vigil/shared';
import type { StoredNotificationChannel } from '../store/notifications.js';
import { emailPayload, genericPayload, signWebhook, slackPayload, teamsPayload, type RenderContext } from './payloads/index.js';
import { postJson } from './senders/http.js';
import { sendMail } from './senders/smtp.js';
import type { DeliveryBatch } from './types.js';

/** One attempt at one delivery, rendered for the channel's kind; throws a DeliveryError on failure. */
export async function sendOnce(channel: StoredNotificationChannel, batch: DeliveryBatch, ctx: RenderContext, signal: AbortSignal, timeoutMs: number): Promise<void> {
  switch (channel.kind) {
    case 'webhook': {
      const body = genericPayload(batch, ctx);
      const timestamp = Math.floor(ctx.now / 1000);
      const headers: Record<string, string> = { [TIMESTAMP_HEADER]: String(timestamp), 'x-vigil-delivery': ctx.deliveryId };
      if (channel.secret !== undefined) headers[SIGNATURE_HEADER] = signWebhook(channel.secret, timestamp, body);
      return postJson(channel.target.url, body, headers, signal);
    }
    case 'slack':
      return postJson(channel.target.url, slackPayload(batch, ctx), {}, signal);
    case 'teams':
      return postJson(channel.target.url, teamsPayload(batch, ctx), {}, signal);
    case 'email':
      return sendMail(channel.target, emailPayload(batch, ctx), signal, timeoutMs);
  }
}
