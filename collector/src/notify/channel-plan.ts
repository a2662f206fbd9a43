import { parseDuration, type NotificationChannel } from '@vigil/shared';
import type { StoredNotificationChannel } from '../store/notifications.js';
import type { ChannelPlan } from './types.js';

/** The planner's view of a stored channel (durations were validated when the channel was saved). */
export function toChannelPlan(channel: StoredNotificationChannel): ChannelPlan {
  return {
    id: channel.id, enabled: channel.enabled, filters: channel.filters,
    groupWaitMs: parseDuration(channel.groupWait), groupIntervalMs: parseDuration(channel.groupInterval),
    repeatIntervalMs: parseDuration(channel.repeatInterval),
  };
}

/** What the API shows: the webhook key and the SMTP password are write-only. */
export function toPublicChannel(channel: StoredNotificationChannel): NotificationChannel {
  const target = channel.kind === 'email'
    ? { ...channel.target, ...(channel.target.auth ? { auth: { user: channel.target.auth.user } } : {}) }
    : channel.target;
  return {
    id: channel.id, name: channel.name, kind: channel.kind, target, filters: channel.filters,
    groupWait: channel.groupWait, groupInterval: channel.groupInterval, repeatInterval: channel.repeatInterval,
    enabled: channel.enabled, hasSecret: channel.kind === 'webhook' && channel.secret !== undefined,
    createdAt: channel.createdAt, updatedAt: channel.updatedAt,
  };
}
