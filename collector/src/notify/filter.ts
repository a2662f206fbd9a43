import type { PlanItem, ChannelPlan, SkipReason } from './types.js';

const RANK = { P1: 1, P2: 2, P3: 3, P4: 4 } as const;

/**
 * Whether a channel hears news of an alert firing (opened, released, breached, escalated), or why
 * not. Alerts that are flapping, held by a maintenance window or suppressed because their agent
 * is offline do not notify: they would page people for noise, planned work, or a symptom of an
 * outage already paged. When the hold ends on an alert still firing, alert.released announces it.
 */
export function skipReason(channel: ChannelPlan, item: PlanItem): SkipReason | null {
  const { alert } = item;
  const { filters } = channel;
  if (!channel.enabled) return 'disabled';
  if (!filters.events.includes(item.event)) return 'event';
  if (filters.scope.tenant !== undefined && filters.scope.tenant !== alert.tenantId) return 'scope';
  if (filters.scope.site !== undefined && filters.scope.site !== alert.siteId) return 'scope';
  if (RANK[alert.priority] > RANK[filters.minPriority]) return 'priority';
  if (!servesLevel(channel, item)) return 'level';
  if (alert.flapping) return 'flapping';
  if (alert.maintenanceWindowId !== null) return 'maintenance';
  if (alert.suppressedBy !== null) return 'suppressed';
  return null;
}

/**
 * An escalation goes to the channels of the level reached. Everything else goes to the channels
 * serving a level the alert has reached, so L3's manager, paged on the escalation, also hears the
 * breach and the resolve, while a fresh L1 alert does not reach them.
 */
function servesLevel(channel: ChannelPlan, item: PlanItem): boolean {
  if (item.event === 'escalated') return channel.filters.levels.includes(item.level ?? item.alert.escalationLevel);
  return channel.filters.levels.some((level) => level <= item.alert.escalationLevel);
}

/**
 * Whether a channel hears an alert's resolve. A channel that was told the alert fired is owed it
 * whatever happened since (it started flapping, its agent went offline, a window holds it, its
 * priority changed): without it the receiver's incident stays open for good. A channel never told
 * hears nothing, unless it takes no firing news at all (a channel for resolves only), which the
 * filters decide as for any event.
 */
export function resolveSkipReason(channel: ChannelPlan, item: PlanItem, announced: boolean): SkipReason | null {
  if (!channel.enabled) return 'disabled';
  if (!channel.filters.events.includes('resolved')) return 'event';
  if (announced) return null;
  if (channel.filters.events.some((event) => event !== 'resolved')) return 'unannounced';
  return skipReason(channel, item);
}
