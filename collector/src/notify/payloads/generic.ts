import type { DeliveryBatch } from '../types.js';
import { alertUrl, headline, type RenderContext } from './format.js';

/**
 * The generic webhook body: everything a receiver needs to route and deduplicate without calling
 * back (the delivery id stays the same across retries), plus links to the collector.
 */
export function genericPayload(batch: DeliveryBatch, ctx: RenderContext): string {
  return JSON.stringify({
    version: 1,
    id: ctx.deliveryId,
    event: batch.event,
    summary: headline(batch),
    channel: ctx.channelName,
    group: { tenantId: batch.tenantId, ruleId: batch.ruleId },
    collectorUrl: ctx.baseUrl,
    sentAt: ctx.now,
    alerts: batch.items.map((item) => ({
      ...item.alert,
      ...(item.level !== undefined ? { level: item.level } : {}),
      ...(item.clock !== undefined ? { clock: item.clock } : {}),
      // For a release: which hold ended (maintenance, suppression, flapping).
      ...(item.from !== undefined ? { from: item.from } : {}),
      url: alertUrl(ctx.baseUrl, item.alert),
    })),
  });
}
