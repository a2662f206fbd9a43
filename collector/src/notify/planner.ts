import type { AlertEvent } from '../alerts/alert-events.js';
import { resolveSkipReason, skipReason } from './filter.js';
import type { ChannelPlan, DeliveryBatch, PlanItem, SkipReason } from './types.js';

/**
 * Grouping and throttling as pure functions of (state, input, now), in the manner of
 * Alertmanager: alerts of one (channel, tenant, rule) group are collected for `groupWait` before
 * the group's first notification, and later ones go out at most every `groupInterval`; the same
 * news about the same still-open alert is not repeated within `repeatInterval`.
 *
 * A group sends what its channel has not heard yet: an alert that fires and resolves while its
 * group waits is not sent at all, and one that resolves and fires again while its resolve waits
 * is not either (the channel still believes it fires, which is true). So an alert churning faster
 * than groupInterval costs at most one notification per groupInterval, and the last one tells the
 * truth; a resolve that did go out is never followed by silence about the alert firing again.
 *
 * Announcements are which alerts each channel was told are firing, with when each kind of news
 * went out: the repeat throttle, and the debt of a resolve. A channel told is owed the resolve
 * whatever happened to the alert since; a channel never told gets none. The caller persists the
 * changes each call reports, so that this survives a restart, runs a timer to `nextFlushAt`, and
 * sends what `planFlush` hands back.
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

/** Kind of news (see repeatKind) → when it last went out to the channel. */
export type Announcement = Readonly<Record<string, number>>;

export interface PlannerState {
  groups: ReadonlyMap<string, GroupState>;
  /** announcementKey(channel, alert) → the news of the alert's current occurrence the channel was sent. */
  announced: ReadonlyMap<string, Announcement>;
}

/** A channel's announcement of an alert to store: set to `kinds`, or forgotten (null). */
export interface AnnouncementChange { channelId: string; alertId: string; kinds: Announcement | null }

export const EMPTY_PLANNER_STATE: PlannerState = { groups: new Map(), announced: new Map() };

/** More alerts than this in one notification are split over several: receivers cap message sizes. */
export const MAX_ALERTS_PER_DELIVERY = 100;

export type Outcome = { channelId: string; outcome: 'queued' | SkipReason };

export function announcementKey(channelId: string, alertId: string): string {
  return `${channelId}|${alertId}`;
}

function splitKey(key: string): { channelId: string; alertId: string } {
  const bar = key.indexOf('|');
  return { channelId: key.slice(0, bar), alertId: key.slice(bar + 1) };
}

/** A planner that starts from stored announcements (after a restart): nothing waits in any group. */
export function plannerStateFrom(announcements: Iterable<{ channelId: string; alertId: string; kinds: Announcement }>): PlannerState {
  const announced = new Map<string, Announcement>();
  for (const a of announcements) announced.set(announcementKey(a.channelId, a.alertId), a.kinds);
  return { groups: new Map(), announced };
}

/** The feed event as a notification item; alert.updated (acks, field changes) notifies nobody. */
export function toPlanItem(event: AlertEvent): PlanItem | null {
  switch (event.type) {
    case 'alert.opened': return { alert: event.alert, event: 'opened' };
    case 'alert.resolved': return { alert: event.alert, event: 'resolved' };
    case 'alert.released': return { alert: event.alert, event: 'released', from: event.from };
    case 'alert.breached': return { alert: event.alert, event: 'breached', clock: event.clock };
    case 'alert.escalated': return { alert: event.alert, event: 'escalated', level: event.level };
    default: return null;
  }
}

/**
 * What counts as "the same news" for repeatInterval. An open and a release both say "this is
 * broken"; each breach clock and each level is news of its own.
 */
function repeatKind(item: PlanItem): string {
  if (item.event === 'opened' || item.event === 'released') return 'firing';
  if (item.event === 'breached') return `breached:${item.clock ?? ''}`;
  if (item.event === 'escalated') return `escalated:${item.level ?? item.alert.escalationLevel}`;
  return 'resolved';
}

function groupKey(channelId: string, item: PlanItem): string {
  return `${channelId}|${item.alert.tenantId}|${item.alert.ruleId}`;
}

/** Adds one alert event to the groups of every channel that wants it. */
export function planEvent(
  state: PlannerState, channels: readonly ChannelPlan[], event: AlertEvent, now: number,
): { state: PlannerState; outcomes: Outcome[]; announcements: AnnouncementChange[] } {
  const item = toPlanItem(event);
  if (!item) return { state, outcomes: [], announcements: [] };
  const groups = new Map(state.groups);
  let announced: Map<string, Announcement> | null = null;
  const outcomes: Outcome[] = [];
  const announcements: AnnouncementChange[] = [];
  const alertId = item.alert.id;

  for (const channel of channels) {
    const key = announcementKey(channel.id, alertId);
    const group = groupKey(channel.id, item);
    const told = state.announced.get(key);
    let skipped: SkipReason | null;
    if (item.event === 'resolved') {
      // Firing news still waiting never went out: with the alert resolved it is no news at all.
      withdraw(groups, group, alertId, (i) => i.event !== 'resolved');
      skipped = resolveSkipReason(channel, item, told !== undefined);
      // A channel that will not hear this resolve owes nothing any more.
      if (skipped && told !== undefined) {
        (announced ??= new Map(state.announced)).delete(key);
        announcements.push({ channelId: channel.id, alertId, kinds: null });
      }
    } else {
      skipped = skipReason(channel, item);
      if (!skipped) {
        // A resolve still waiting is withdrawn: the channel was told the alert fires, and it does again.
        withdraw(groups, group, alertId, (i) => i.event === 'resolved');
        const last = told?.[repeatKind(item)];
        if (last !== undefined && now - last < channel.repeatIntervalMs) skipped = 'throttled';
      }
    }
    if (skipped) { outcomes.push({ channelId: channel.id, outcome: skipped }); continue; }

    const current = groups.get(group) ?? { channelId: channel.id, tenantId: item.alert.tenantId, ruleId: item.alert.ruleId, items: [], flushAt: null, lastFlushAt: null };
    groups.set(group, { ...current, items: withItem(current.items, item), flushAt: current.flushAt ?? firstFlushAt(current, channel, now) });
    outcomes.push({ channelId: channel.id, outcome: 'queued' });
  }
  return { state: { groups, announced: announced ?? state.announced }, outcomes, announcements };
}

/** Takes the alert's waiting items that `which` picks out of the group; a group left empty no longer waits. */
function withdraw(groups: Map<string, GroupState>, key: string, alertId: string, which: (item: PlanItem) => boolean): void {
  const group = groups.get(key);
  if (!group) return;
  const items = group.items.filter((i) => !(i.alert.id === alertId && which(i)));
  if (items.length === group.items.length) return;
  groups.set(key, { ...group, items, flushAt: items.length > 0 ? group.flushAt : null });
}

/** A new group waits groupWait for company; a group that went out recently waits out its groupInterval. */
function firstFlushAt(group: GroupState, channel: ChannelPlan, now: number): number {
  if (group.lastFlushAt !== null && now - group.lastFlushAt < channel.groupIntervalMs) return group.lastFlushAt + channel.groupIntervalMs;
  return now + channel.groupWaitMs;
}

/** The newest news of one alert replaces older news of the same kind still waiting. */
function withItem(items: readonly PlanItem[], item: PlanItem): PlanItem[] {
  const kind = repeatKind(item);
  return [...items.filter((i) => !(i.alert.id === item.alert.id && repeatKind(i) === kind)), item];
}

/**
 * The groups due at `now` as deliveries (one per event, at most MAX_ALERTS_PER_DELIVERY alerts
 * each), what is left, and the announcements that sending them changes.
 */
export function planFlush(
  state: PlannerState, channels: readonly ChannelPlan[], now: number,
): { state: PlannerState; batches: DeliveryBatch[]; announcements: AnnouncementChange[] } {
  const byId = new Map(channels.map((c) => [c.id, c]));
  const groups = new Map<string, GroupState>();
  // Copied on the first change only: most flushes change no announcement.
  let announced: Map<string, Announcement> | null = null;
  const announcements: AnnouncementChange[] = [];
  const forget = (channelId: string, alertId: string): void => {
    const key = announcementKey(channelId, alertId);
    if (!(announced ?? state.announced).has(key)) return;
    (announced ??= new Map(state.announced)).delete(key);
    announcements.push({ channelId, alertId, kinds: null });
  };
  const batches: DeliveryBatch[] = [];
  for (const [key, group] of state.groups) {
    const channel = byId.get(group.channelId);
    if (!channel?.enabled) {
      // A deleted or disabled channel's groups are forgotten with what waited in them; a resolve
      // among them will never go out, so it is owed no longer.
      for (const item of group.items) if (item.event === 'resolved') forget(group.channelId, item.alert.id);
      continue;
    }
    if (group.flushAt !== null && group.flushAt <= now) {
      batches.push(...toBatches(group));
      for (const item of group.items) {
        if (item.event === 'resolved') { forget(group.channelId, item.alert.id); continue; }
        const k = announcementKey(group.channelId, item.alert.id);
        announced ??= new Map(state.announced);
        const kinds = { ...announced.get(k), [repeatKind(item)]: now };
        announced.set(k, kinds);
        announcements.push({ channelId: group.channelId, alertId: item.alert.id, kinds });
      }
      groups.set(key, { ...group, items: [], flushAt: null, lastFlushAt: now });
    } else if (group.flushAt !== null || (group.lastFlushAt !== null && now - group.lastFlushAt < channel.groupIntervalMs)) {
      groups.set(key, group);
    }
  }
  // A deleted channel is owed nothing.
  for (const key of state.announced.keys()) {
    const { channelId, alertId } = splitKey(key);
    if (!byId.has(channelId)) forget(channelId, alertId);
  }
  return { state: { groups, announced: announced ?? state.announced }, batches, announcements };
}

/**
 * The channel never heard the alert fire after all (its news finally failed, and no other news of
 * the alert to it went out or still waits to): it is owed no resolve. A resolve already waiting
 * in one of its groups is withdrawn with the debt: to the receiver it would be noise about an
 * incident it never opened.
 */
export function forgetAnnouncement(state: PlannerState, channelId: string, alertId: string): PlannerState {
  const groups = new Map(state.groups);
  for (const [key, group] of state.groups) {
    if (group.channelId === channelId) withdraw(groups, key, alertId, (i) => i.event === 'resolved');
  }
  const told = announcementKey(channelId, alertId);
  if (!state.announced.has(told)) return { ...state, groups };
  const announced = new Map(state.announced);
  announced.delete(told);
  return { groups, announced };
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

/** When the next group is due; null when nothing waits. */
export function nextFlushAt(state: PlannerState): number | null {
  let next: number | null = null;
  for (const group of state.groups.values()) {
    if (group.flushAt !== null && (next === null || group.flushAt < next)) next = group.flushAt;
  }
  return next;
}
