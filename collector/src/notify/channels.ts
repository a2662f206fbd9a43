import { describeZodError, NotificationChannelInputSchema, type NotificationChannelInput, type NotificationChannelPatch } from '@vigil/shared';
import { randomBytes } from 'node:crypto';
import { ApiError } from '../http/api-error.js';
import { fieldErrors } from '../http/validate.js';
import { newId } from '../store/ids.js';
import type { Store } from '../store/index.js';
import type { StoredNotificationChannel } from '../store/notifications.js';
import { toChannelPlan } from './channel-plan.js';
import type { ChannelPlan } from './types.js';

/**
 * The notification channels: stored, and kept in memory for the dispatcher, which reads them on
 * every alert event and must not touch SQLite on the ingest path for it.
 */
export class NotificationChannels {
  private channels = new Map<string, StoredNotificationChannel>();
  private plans: ChannelPlan[] = [];

  constructor(private readonly store: Store) {
    for (const channel of store.notifications.listChannels()) this.channels.set(channel.id, channel);
    this.replan();
  }

  list(): StoredNotificationChannel[] {
    return [...this.channels.values()];
  }

  get(id: string): StoredNotificationChannel | undefined {
    return this.channels.get(id);
  }

  /** Every channel's planner view, rebuilt on change only. */
  planned(): readonly ChannelPlan[] {
    return this.plans;
  }

  /**
   * Creates a channel; a webhook without a secret gets a generated one, returned here and never
   * again. `record` runs inside the transaction that stores it (its audit entry).
   */
  create(input: NotificationChannelInput, now: number, record?: (channel: StoredNotificationChannel) => void): { channel: StoredNotificationChannel; secret: string | null } {
    const secret = input.kind === 'webhook' ? (input.secret ?? randomBytes(32).toString('base64url')) : null;
    const channel = { ...input, ...(secret !== null ? { secret } : {}), id: newId('nch'), createdAt: now, updatedAt: now } as StoredNotificationChannel;
    this.save(channel, () => record?.(channel));
    return { channel, secret };
  }

  /** Merges the patch and validates the result as a whole: a new target must fit the channel's kind. */
  patch(
    id: string, patch: NotificationChannelPatch, now: number,
    record?: (after: StoredNotificationChannel, before: StoredNotificationChannel) => void,
  ): StoredNotificationChannel {
    const current = this.channels.get(id);
    if (!current) throw ApiError.notFound('notification channel', id);
    const { id: _id, createdAt, updatedAt: _updatedAt, ...config } = current;
    const merged = NotificationChannelInputSchema.safeParse({ ...config, ...patch });
    if (!merged.success) throw new ApiError(400, 'invalid_body', `invalid body: ${describeZodError(merged.error)}`, fieldErrors(merged.error));
    const channel = { ...merged.data, id, createdAt, updatedAt: now } as StoredNotificationChannel;
    this.save(channel, () => record?.(channel, current));
    return channel;
  }

  delete(id: string, record?: (channel: StoredNotificationChannel) => void): void {
    const current = this.channels.get(id);
    this.store.transaction(() => {
      if (!current || !this.store.notifications.deleteChannel(id)) throw ApiError.notFound('notification channel', id);
      record?.(current);
    });
    this.channels.delete(id);
    this.replan();
  }

  private save(channel: StoredNotificationChannel, record: () => void): void {
    this.store.transaction(() => {
      this.store.notifications.saveChannel(channel);
      record();
    });
    this.channels.set(channel.id, channel);
    this.replan();
  }

  private replan(): void {
    this.plans = [...this.channels.values()].map(toChannelPlan);
  }
}
