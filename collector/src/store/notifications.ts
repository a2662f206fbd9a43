import type { DeliveryStatus, NotificationChannelInput, NotificationDelivery, NotificationEvent } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';

/** A channel with everything needed to send: the secret and SMTP password included. Never returned by the API as is. */
export type StoredNotificationChannel = NotificationChannelInput & { id: string; createdAt: number; updatedAt: number };

/** A channel was told this alert fires: kinds of news sent → when (see notify/planner.ts). */
export interface Announcement { channelId: string; alertId: string; kinds: Record<string, number> }

/** A delivery row with what it carries, for sending it after a restart. */
export type StoredDelivery = NotificationDelivery & { batch: unknown };

interface RawChannel {
  id: string; name: string; kind: NotificationChannelInput['kind']; target: string; secret: string | null; filters: string;
  group_wait: string; group_interval: string; repeat_interval: string; enabled: number; created_at: number; updated_at: number;
}

interface RawDelivery {
  id: string; channel_id: string; event: NotificationEvent; alert_ids: string; batch: string; status: DeliveryStatus;
  attempts: number; last_error: string | null; created_at: number; updated_at: number; sent_at: number | null;
}

function toChannel(r: RawChannel): StoredNotificationChannel {
  return {
    id: r.id, name: r.name, kind: r.kind, target: parseJson(r.target, {}), filters: parseJson(r.filters, {}),
    ...(r.kind === 'webhook' && r.secret !== null ? { secret: r.secret } : {}),
    groupWait: r.group_wait, groupInterval: r.group_interval, repeatInterval: r.repeat_interval,
    enabled: r.enabled === 1, createdAt: r.created_at, updatedAt: r.updated_at,
  } as StoredNotificationChannel;
}

function toDelivery(r: RawDelivery): StoredDelivery {
  return {
    id: r.id, channelId: r.channel_id, event: r.event, alertIds: parseJson(r.alert_ids, []), status: r.status,
    attempts: r.attempts, lastError: r.last_error, createdAt: r.created_at, updatedAt: r.updated_at, sentAt: r.sent_at,
    batch: parseJson(r.batch, null),
  };
}

export interface DeliveryFilter {
  channelId?: string;
  /** Only deliveries through these channels (the ones the caller may see); absent: any. */
  channelIds?: readonly string[];
  status?: DeliveryStatus;
  limit: number;
}

export class NotificationStore {
  constructor(private readonly db: Db) {}

  listChannels(): StoredNotificationChannel[] {
    return (this.db.prepare('SELECT * FROM notification_channels ORDER BY created_at, id').all() as RawChannel[]).map(toChannel);
  }

  getChannel(id: string): StoredNotificationChannel | undefined {
    const raw = this.db.prepare('SELECT * FROM notification_channels WHERE id = ?').get(id) as RawChannel | undefined;
    return raw ? toChannel(raw) : undefined;
  }

  /** Inserts or replaces the whole channel (PATCH merges in the service, then saves the result). */
  saveChannel(c: StoredNotificationChannel): void {
    this.db
      .prepare(
        `INSERT INTO notification_channels (id, name, kind, target, secret, filters, group_wait, group_interval, repeat_interval, enabled, created_at, updated_at)
         VALUES (@id, @name, @kind, @target, @secret, @filters, @groupWait, @groupInterval, @repeatInterval, @enabled, @createdAt, @updatedAt)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, target = excluded.target, secret = excluded.secret, filters = excluded.filters,
           group_wait = excluded.group_wait, group_interval = excluded.group_interval, repeat_interval = excluded.repeat_interval,
           enabled = excluded.enabled, updated_at = excluded.updated_at`,
      )
      .run({
        id: c.id, name: c.name, kind: c.kind, target: JSON.stringify(c.target), secret: c.kind === 'webhook' ? (c.secret ?? null) : null,
        filters: JSON.stringify(c.filters), groupWait: c.groupWait, groupInterval: c.groupInterval, repeatInterval: c.repeatInterval,
        enabled: c.enabled ? 1 : 0, createdAt: c.createdAt, updatedAt: c.updatedAt,
      });
  }

  /** A deleted channel is owed no resolve: its announcements go with it. */
  deleteChannel(id: string): boolean {
    this.db.prepare('DELETE FROM notification_announcements WHERE channel_id = ?').run(id);
    return this.db.prepare('DELETE FROM notification_channels WHERE id = ?').run(id).changes > 0;
  }

  /** Every alert some channel was told is firing, with when each kind of news went out. */
  listAnnouncements(): Announcement[] {
    const rows = this.db.prepare('SELECT channel_id, alert_id, kinds FROM notification_announcements').all() as Array<{ channel_id: string; alert_id: string; kinds: string }>;
    return rows.map((r) => ({ channelId: r.channel_id, alertId: r.alert_id, kinds: parseJson<Record<string, number>>(r.kinds, {}) }));
  }

  /** Records what the channel was sent about the alert (`kinds` replaces the row's), or forgets it (null). */
  saveAnnouncement(a: { channelId: string; alertId: string; kinds: Readonly<Record<string, number>> | null }, at: number): void {
    if (a.kinds === null) {
      this.db.prepare('DELETE FROM notification_announcements WHERE channel_id = ? AND alert_id = ?').run(a.channelId, a.alertId);
      return;
    }
    this.db
      .prepare(
        `INSERT INTO notification_announcements (channel_id, alert_id, kinds, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(channel_id, alert_id) DO UPDATE SET kinds = excluded.kinds, updated_at = excluded.updated_at`,
      )
      .run(a.channelId, a.alertId, JSON.stringify(a.kinds), at);
  }

  insertDelivery(d: { id: string; channelId: string; event: NotificationEvent; alertIds: string[]; batch: unknown; at: number }): void {
    this.db
      .prepare(
        `INSERT INTO notification_deliveries (id, channel_id, event, alert_ids, batch, status, attempts, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
      )
      .run(d.id, d.channelId, d.event, JSON.stringify(d.alertIds), JSON.stringify(d.batch), d.at, d.at);
  }

  /**
   * Whether the channel has news of the alert firing that went out or may still go out: a delivery
   * other than a resolve that carries the alert, sent or pending. A channel with none was never
   * told the alert fires, whatever the planner had counted on.
   */
  hasFiringNews(channelId: string, alertId: string): boolean {
    return this.db
      .prepare(
        `SELECT 1 FROM notification_deliveries d
         WHERE d.channel_id = ? AND d.event != 'resolved' AND d.status IN ('pending', 'sent')
           AND EXISTS (SELECT 1 FROM json_each(d.alert_ids) WHERE value = ?)
         LIMIT 1`,
      )
      .get(channelId, alertId) !== undefined;
  }

  /** One attempt made: its outcome. A failed attempt that will be retried leaves the row pending. */
  recordAttempt(id: string, outcome: { status: DeliveryStatus; error: string | null; at: number }): void {
    this.db
      .prepare(
        `UPDATE notification_deliveries SET attempts = attempts + 1, status = @status, last_error = COALESCE(@error, last_error),
           updated_at = @at, sent_at = CASE WHEN @status = 'sent' THEN @at ELSE sent_at END
         WHERE id = @id`,
      )
      .run({ id, status: outcome.status, error: outcome.error, at: outcome.at });
  }

  /** Gives up on a delivery without another attempt (queue overflow, channel deleted, too old). */
  markFailed(id: string, error: string, at: number): void {
    this.db.prepare(`UPDATE notification_deliveries SET status = 'failed', last_error = ?, updated_at = ? WHERE id = ? AND status = 'pending'`).run(error, at, id);
  }

  getDelivery(id: string): StoredDelivery | undefined {
    const raw = this.db.prepare('SELECT * FROM notification_deliveries WHERE id = ?').get(id) as RawDelivery | undefined;
    return raw ? toDelivery(raw) : undefined;
  }

  /** Newest first. */
  listDeliveries(filter: DeliveryFilter): NotificationDelivery[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    if (filter.channelId !== undefined) { where.push('channel_id = @channelId'); params.channelId = filter.channelId; }
    if (filter.status !== undefined) { where.push('status = @status'); params.status = filter.status; }
    if (filter.channelIds !== undefined) {
      where.push(`channel_id IN (SELECT value FROM json_each(@channelIds))`);
      params.channelIds = JSON.stringify(filter.channelIds);
    }
    const sql = `SELECT * FROM notification_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as RawDelivery[]).map((r) => {
      const { batch: _batch, ...delivery } = toDelivery(r);
      return delivery;
    });
  }

  /** Oldest first: what a restarted collector still owes. */
  listPending(limit: number): StoredDelivery[] {
    return (this.db.prepare(`SELECT * FROM notification_deliveries WHERE status = 'pending' ORDER BY created_at, id LIMIT ?`).all(limit) as RawDelivery[]).map(toDelivery);
  }

  /**
   * Forgets finished deliveries older than `before`; the history is for troubleshooting, not an
   * archive. Firing news that went out to a channel still owed the alert's resolve is kept: it is
   * the record that the channel was told (see hasFiringNews), however long the alert stays open.
   */
  pruneFinished(before: number): number {
    return this.db
      .prepare(
        `DELETE FROM notification_deliveries AS d
         WHERE d.status != 'pending' AND d.created_at < ?
           AND NOT (d.status = 'sent' AND d.event != 'resolved' AND EXISTS (
             SELECT 1 FROM notification_announcements a, json_each(d.alert_ids) j WHERE a.channel_id = d.channel_id AND a.alert_id = j.value))`,
      )
      .run(before).changes;
  }
}
