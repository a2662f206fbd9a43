import type { DeliveryBatch } from '../types.js';
import { alertFacts, alertUrl, headline, iso, type RenderContext } from './format.js';

/** Teams caps a card at about 28 KB; ten fact sets stay far below it. */
const MAX_ALERT_FACTSETS = 10;

/**
 * A message with one Adaptive Card, the shape Teams' incoming webhooks (Workflows and the older
 * connectors alike) accept: a headline, a fact set per alert, a button to the first alert.
 */
export function teamsPayload(batch: DeliveryBatch, ctx: RenderContext): string {
  const shown = batch.items.slice(0, MAX_ALERT_FACTSETS);
  const more = batch.items.length - shown.length;
  const body: unknown[] = [
    { type: 'TextBlock', size: 'Large', weight: 'Bolder', wrap: true, text: headline(batch), color: batch.event === 'resolved' ? 'Good' : 'Attention' },
    ...shown.map((item) => ({
      type: 'FactSet', separator: true,
      facts: alertFacts(item, ctx).filter(([label]) => label !== 'Link').map(([title, value]) => ({ title, value })),
    })),
    ...(more > 0 ? [{ type: 'TextBlock', wrap: true, text: `…and ${more} more alert${more === 1 ? '' : 's'}` }] : []),
    { type: 'TextBlock', isSubtle: true, size: 'Small', wrap: true, text: `Vigil · ${ctx.channelName} · ${iso(ctx.now)}` },
  ];
  return JSON.stringify({
    type: 'message',
    summary: headline(batch),
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body,
        actions: [{ type: 'Action.OpenUrl', title: 'Open alert', url: alertUrl(ctx.baseUrl, batch.items[0]!.alert) }],
      },
    }],
  });
}
