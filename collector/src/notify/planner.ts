import type { AlertEvent } from '../alerts/alert-events.js';
import { skipReason } from './filter.js';
import type { ChannelPlan, DeliveryBatch, PlanItem, SkipReason } from './types.js';

/**
 * Grouping and throttling as pure functions of (state, input, now), in the manner of
 * Alertmanager: alerts of one (channel, tenant, rule) group are collected for `groupWait` before
 * the group's first notification, and later ones go out at most every `groupInterval`; the same
 * notification about the same still-open alert is not repeated within `repeatInterval`. A resolve
 * is never throttled. The caller keeps the state, runs a timer to `nextFlushAt`, and sends what
 * `planFlush` hands back.
 */

/** One group's alerts waiting to go out. */
export interface GroupState {
  channelId: string;
  tenantId: string;
  ruleId: string;
  items: readonly PlanItem[];
  /** When the waiting items go out; null while nothing waits. */
  flushAt: number | null;
  /** When the group last went out; null before its first notification. */
  lastFlushAt: number | null;
}

export interface PlannerState {
  groups: ReadonlyMap<string, GroupState>;
  /** `${channelId}|${alertId}` → when each kind of notification about the alert was last planned. */
  notified: ReadonlyMap<string, Readonly<Record<string, number>>>;
}

export const EMPTY_PLANNER_STATE: PlannerState = { groups: new Map(), notified: new Map() };

/** More alerts than this in one notification are split over several: receivers cap message sizes. */
export const MAX_ALERTS_PER_DELIVERY = 100;

export type Outcome = { channelId: string; outcome: 'queued' | SkipReason };

/** The feed event as a notification item; alert.updated (acks, suppression changes) notifies nobody. */
export function toPlanItem(event: AlertEvent): PlanItem | null {
  switch (event.type) {
    case 'alert.opened': return { alert: event.alert, event: 'opened' };
    case 'alert.resolved': return { alert: event.alert, event: 'resolved' };
    case 'alert.released': return { alert: event.alert, event: 'released' };
    case 'alert.breached': return { alert: event.alert, event: 'breached', clock: event.clock };
    case 'alert.escalated': return { alert: event.alert, event: 'escalated', level: event.level };
    default: return null;
  }
}

/**
 * What counts as "the same notification" for repeatInterval. An open and a release both say "this
 * is broken"; each breach clock and each level is news of its own.
 */
function repeatKind(item: PlanItem): string {
  if (item.event === 'opened' || item.event === 'released') return 'firing';
  if (item.event === 'breached') return `breached:${item.clock ?? ''}`;
  return `escalated:${item.level ?? item.alert.escalationLevel}`;
}

function groupKey(channelId: string, item: PlanItem): string {
  return `${channelId}|${item.alert.tenantId}|${item.alert.ruleId}`;
}

/** Adds one alert event to the groups of every channel that wants it. */
export function planEvent(state: PlannerState, channels: readonly ChannelPlan[], event: AlertEvent, now: number): { state: PlannerState; outcomes: Outcome[] } {
  const item = toPlanItem(event);
  if (!item) return { state, outcomes: [] };
  let groups: Map<string, GroupState> | null = null;
  let notified: Map<string, Readonly<Record<string, number>>> | null = null;
  const outcomes: Outcome[] = [];
  for (const channel of channels) {
    const skipped = skipReason(channel, item);
    if (skipped) { outcomes.push({ channelId: channel.id, outcome: skipped }); continue; }

    const alertKey = `${channel.id}|${item.alert.id}`;
    notified ??= new Map(state.notified);
    if (item.event === 'resolved') {
      // Resolved: the next open of this alert is news again.
      notified.delete(alertKey);
    } else {
      const kinds = notified.get(alertKey) ?? {};
      const kind = repeatKind(item);
      const last = kinds[kind];
      if (last !== undefined && now - last < channel.repeatIntervalMs) { outcomes.push({ channelId: channel.id, outcome: 'throttled' }); continue; }
      notified.set(alertKey, { ...kinds, [kind]: now });
    }

    groups ??= new Map(state.groups);
    const key = groupKey(channel.id, item);
    const group = groups.get(key) ?? { channelId: channel.id, tenantId: item.alert.tenantId, ruleId: item.alert.ruleId, items: [], flushAt: null, lastFlushAt: null };
    groups.set(key, { ...group, items: withItem(group.items, item), flushAt: group.flushAt ?? firstFlushAt(group, channel, now) });
    outcomes.push({ channelId: channel.id, outcome: 'queued' });
  }
  return { state: { groups: groups ?? state.groups, notified: notified ?? state.notified }, outcomes };
}

/** A new group waits groupWait for company; a group that went out recently waits out its groupInterval. */
function firstFlushAt(group: GroupState, channel: ChannelPlan, now: number): number {
  if (group.lastFlushAt !== null && now - group.lastFlushAt < channel.groupIntervalMs) return group.lastFlushAt + channel.groupIntervalMs;
  return now + channel.groupWaitMs;
}

/** The newest news of one alert replaces older news of the same event still waiting. */
function withItem(items: readonly PlanItem[], item: PlanItem): PlanItem[] {
  return [...items.filter((i) => !(i.alert.id === item.alert.id && i.event === item.event)), item];
}

/** The groups due at `now` as deliveries (one per event, at most MAX_ALERTS_PER_DELIVERY alerts each), and what is left. */
export function planFlush(state: PlannerState, channels: readonly ChannelPlan[], now: number): { state: PlannerState; batches: DeliveryBatch[] } {
  const byId = new Map(channels.map((c) => [c.id, c]));
  const groups = new Map<string, GroupState>();
  const batches: DeliveryBatch[] = [];
  for (const [key, group] of state.groups) {
    const channel = byId.get(group.channelId);
    // A deleted or disabled channel's groups are forgotten with what waited in them.
    if (!channel?.enabled) continue;
    if (group.flushAt !== null && group.flushAt <= now) {
      batches.push(...toBatches(group));
      groups.set(key, { ...group, items: [], flushAt: null, lastFlushAt: now });
    } else if (group.flushAt !== null || (group.lastFlushAt !== null && now - group.lastFlushAt < channel.groupIntervalMs)) {
      groups.set(key, group);
    }
  }
  return { state: { groups, notified: pruneNotified(state.notified, byId, now) }, batches };
}

function toBatches(group: GroupState): DeliveryBatch[] {
  const byEvent = new Map<PlanItem['event'], PlanItem[]>();
  for (const item of group.items) byEvent.set(item.event, [...(byEvent.get(item.event) ?? []), item]);
  const batches: DeliveryBatch[] = [];
  for (const [event, items] of byEvent) {
    for (let i = 0; i < items.length; i += MAX_ALERTS_PER_DELIVERY) {
      batches.push({ channelId: group.channelId, tenantId: group.tenantId, ruleId: group.ruleId, event, items: items.slice(i, i + MAX_ALERTS_PER_DELIVERY) });
    }
  }
  return batches;
}

/** Throttle memory older than its channel's repeatInterval throttles nothing: dropped, so it cannot grow without limit. */
function pruneNotified(notified: PlannerState['notified'], channels: ReadonlyMap<string, ChannelPlan>, now: number): PlannerState['notified'] {
  const kept = new Map<string, Readonly<Record<string, number>>>();
  for (const [key, kinds] of notified) {
    const channel = channels.get(key.slice(0, key.indexOf('|')));
    if (!channel) continue;
    const fresh = Object.entries(kinds).filter(([, at]) => now - at < channel.repeatIntervalMs);
    if (fresh.length) kept.set(key, Object.fromEntries(fresh));
  }
  return kept;
}

/** When the next group is due; null when nothing waits. */
export function nextFlushAt(state: PlannerState): number | null {
  let next: number | null = null;
  for (const group of state.groups.values()) {
    if (group.flushAt !== null && (next === null || group.flushAt < next)) next = group.flushAt;
  }
  return next;
}
