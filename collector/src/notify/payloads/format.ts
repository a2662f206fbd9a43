import type { Alert } from '@vigil/shared';
import type { DeliveryBatch, PlanItem } from '../types.js';

/** What every payload needs besides the batch; `now` is injected so rendering stays pure. */
export interface RenderContext {
  deliveryId: string;
  channelName: string;
  /** The collector's base URL, for links back to the alerts. */
  baseUrl: string;
  now: number;
}

const EVENT_WORDS: Record<DeliveryBatch['event'], string> = {
  opened: 'Opened', escalated: 'Escalated', breached: 'SLA breached', resolved: 'Resolved', released: 'Still failing after maintenance',
};

/** A release says which hold ended; a stored delivery from before the reason was recorded is a maintenance one. */
const RELEASE_WORDS: Record<NonNullable<PlanItem['from']>, string> = {
  maintenance: 'Still failing after maintenance', suppression: 'Still failing after the outage', flapping: 'Stopped flapping, still failing',
};

/** "Escalated to L3", "SLA breached (respond)", "Opened". */
export function eventLabel(item: Pick<PlanItem, 'event' | 'level' | 'clock' | 'from'>): string {
  if (item.event === 'escalated' && item.level !== undefined) return `Escalated to L${item.level}`;
  if (item.event === 'breached' && item.clock !== undefined) return `SLA breached (${item.clock})`;
  if (item.event === 'released' && item.from !== undefined) return RELEASE_WORDS[item.from];
  return EVENT_WORDS[item.event];
}

/** The most urgent priority among the batch's alerts leads the headline. */
function topPriority(batch: DeliveryBatch): Alert['priority'] {
  return batch.items.map((i) => i.alert.priority).sort()[0]!;
}

/** "[P2] Opened: Memory in use on web-1" or "[P2] Opened: Memory in use (3 alerts, acme)". */
export function headline(batch: DeliveryBatch): string {
  const first = batch.items[0]!;
  const where = batch.items.length === 1 ? `on ${first.alert.hostname}` : `(${batch.items.length} alerts, ${batch.tenantId})`;
  return `[${topPriority(batch)}] ${eventLabel(first)}: ${first.alert.ruleName} ${where}`;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** "disk.used_pct{mount=/} = 93.12 (rule: > 90)". */
export function valueText(alert: Alert): string {
  const labels = Object.entries(alert.labels).map(([k, v]) => `${k}=${v}`).join(',');
  return `${alert.metric}${labels ? `{${labels}}` : ''} = ${round(alert.value)} (rule: ${alert.op} ${round(alert.threshold)})`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function alertUrl(baseUrl: string, alert: Alert): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/v1/alerts/${encodeURIComponent(alert.id)}`;
}

/** Label/value pairs for one alert, in reading order; SLA deadlines and breaches only when the alert has them. */
export function alertFacts(item: PlanItem, ctx: RenderContext): Array<[string, string]> {
  const a = item.alert;
  const facts: Array<[string, string]> = [
    ['Priority', a.priority], ['Host', a.hostname], ['Rule', a.ruleName], ['Value', valueText(a)],
    ['Tenant / site', `${a.tenantId} / ${a.siteId}`], ['Opened', iso(a.openedAt)], ['Level', `L${a.escalationLevel}`],
  ];
  if (a.respondBy !== null) facts.push(['Respond by', iso(a.respondBy)]);
  if (a.resolveBy !== null) facts.push(['Resolve by', iso(a.resolveBy)]);
  if (a.respondBreachedAt !== null) facts.push(['Response breached', iso(a.respondBreachedAt)]);
  if (a.resolveBreachedAt !== null) facts.push(['Resolution breached', iso(a.resolveBreachedAt)]);
  if (a.resolvedAt !== null) facts.push(['Resolved', `${iso(a.resolvedAt)}${a.resolvedBy ? ` by ${a.resolvedBy}` : ''}`]);
  facts.push(['Link', alertUrl(ctx.baseUrl, a)]);
  return facts;
}
