import type { DeliveryBatch } from '../types.js';
import { alertFacts, alertUrl, headline, iso, type RenderContext } from './format.js';

/** Slack shows at most 50 blocks; past ten alerts a message stops being readable anyway. */
const MAX_ALERT_BLOCKS = 10;

/** Slack's mrkdwn treats these three as control characters. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * An incoming-webhook message: `text` is the notification's fallback (and what phones show),
 * `blocks` the formatted message: a header, one section per alert, a context line.
 */
export function slackPayload(batch: DeliveryBatch, ctx: RenderContext): string {
  const title = headline(batch);
  const sections = batch.items.slice(0, MAX_ALERT_BLOCKS).map((item) => {
    const facts = alertFacts(item, ctx).filter(([label]) => label !== 'Link' && label !== 'Rule');
    const link = `*<${alertUrl(ctx.baseUrl, item.alert)}|${escape(item.alert.ruleName)}>*`;
    const lines = facts.map(([label, value]) => `*${escape(label)}:* ${escape(value)}`);
    return { type: 'section', text: { type: 'mrkdwn', text: clip([link, ...lines].join('\n'), 3000) } };
  });
  const more = batch.items.length - sections.length;
  const blocks = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, 150), emoji: false } },
    ...sections,
    ...(more > 0 ? [{ type: 'section', text: { type: 'mrkdwn', text: `…and ${more} more alert${more === 1 ? '' : 's'}` } }] : []),
    { type: 'context', elements: [{ type: 'mrkdwn', text: escape(`Vigil · ${ctx.channelName} · ${iso(ctx.now)}`) }] },
  ];
  return JSON.stringify({ text: escape(title), blocks });
}
