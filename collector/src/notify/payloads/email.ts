import type { DeliveryBatch } from '../types.js';
import { alertFacts, headline, iso, type RenderContext } from './format.js';

export interface EmailContent { subject: string; text: string }

/** A plain-text mail: the headline as subject, every alert's facts in the body. */
export function emailPayload(batch: DeliveryBatch, ctx: RenderContext): EmailContent {
  const subject = `[Vigil] ${headline(batch)}`.replace(/[\r\n]+/g, ' ');
  const blocks = batch.items.map((item) => alertFacts(item, ctx).map(([label, value]) => `${label}: ${value}`).join('\n'));
  const text = [headline(batch), '', ...blocks.flatMap((b) => [b, '']), `-- Vigil, channel "${ctx.channelName}", ${iso(ctx.now)}`, ''].join('\n');
  return { subject, text };
}
