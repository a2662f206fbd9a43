import type { NotificationEvent } from '@vigil/shared';
import type { Logger } from 'pino';
import type { AlertEvent, AlertEvents } from '../alerts/alert-events.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import { newId } from '../store/ids.js';
import type { Store } from '../store/index.js';
import type { Announcement } from '../store/notifications.js';
import type { NotificationChannels } from './channels.js';
import { DEFAULT_DELIVERY_QUEUE_OPTIONS, DeliveryQueue, type DeliveryQueueOptions, type QueuedDelivery } from './delivery-queue.js';
import { toPublicAlert } from '../alerts/to-public.js';
import {
  EMPTY_PLANNER_STATE, forgetAnnouncement, nextFlushAt, planEvent, planFlush, plannerStateFrom, type AnnouncementChange, type PlannerState,
} from './planner.js';
import { sendOnce } from './send.js';
import { DeliveryError } from './senders/delivery-error.js';
import { DeliveryBatchSchema, type DeliveryBatch } from './types.js';

export interface DispatcherDeps {
  store: Store;
  channels: NotificationChannels;
  events: AlertEvents;
  metrics: CollectorMetrics;
  log: Logger;
  now: () => number;
  /** The collector's base URL for links in notifications (known once it listens). */
  baseUrl: () => string;
}

export interface DispatcherOptions {
  queue?: Partial<DeliveryQueueOptions>;
  /** Alert events waiting for the planner beyond this push out the oldest (default 10,000). */
  maxInbox?: number;
  /** A delivery still pending after this long is not sent after a restart: the news is stale (default 24 h). */
  resumeMaxAgeMs?: number;
  /** Finished deliveries are kept this long (default 30 days). */
  retainMs?: number;
  /** After a flush that could not be recorded, the next try (default 5 s). */
  flushRetryMs?: number;
}

/**
 * Alert events → notifications. The bus listener only appends to an inbox, so ingest pays a push
 * per event whatever the channels do; the planner runs on the next turn of the event loop, a
 * single timer fires when the next group is due, and the delivery queue sends in the background.
 */
export class NotificationDispatcher {
  private state: PlannerState = EMPTY_PLANNER_STATE;
  private inbox: AlertEvent[] = [];
  private immediate: NodeJS.Immediate | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerAt: number | null = null;
  /** A flush failed to record: the retry timer is armed, and events only join the groups until it fires. */
  private flushFailed = false;
  private unsubscribe: (() => void) | null = null;
  private stopped = false;
  private droppedEvents = 0;
  private readonly queue: DeliveryQueue;
  private readonly queueOptions: DeliveryQueueOptions;

  constructor(private readonly deps: DispatcherDeps, private readonly options: DispatcherOptions = {}) {
    this.queueOptions = { ...DEFAULT_DELIVERY_QUEUE_OPTIONS, ...options.queue };
    this.queue = new DeliveryQueue({
      attempt: (d, signal) => this.attempt(d, signal),
      recorded: (d, outcome) => this.recorded(d, outcome),
      dropped: (d) => this.dropped(d),
    }, this.queueOptions);
  }

  /**
   * Listens to the bus, sends what a previous run left pending, and the resolves it still owed:
   * alerts announced to a channel that resolved while their resolve waited in a group (or while
   * the collector was down) are resolved again for the planner.
   */
  start(): void {
    if (this.stopped || this.unsubscribe) return;
    const now = this.deps.now();
    const owed = this.restoreAnnouncements(now);
    this.unsubscribe = this.deps.events.subscribe(this.onEvent);
    const pruned = this.deps.store.notifications.pruneFinished(now - (this.options.retainMs ?? 30 * 86_400_000));
    if (pruned > 0) this.deps.log.info({ deliveries: pruned }, 'old notification deliveries pruned');
    this.resume(now);
    if (owed.length > 0) this.deps.log.info({ alerts: owed.length }, 'resolves owed since before the restart: planned again');
    for (const event of owed) this.onEvent(event);
  }

  /** Stops listening and planning, aborts sends in flight; unsent deliveries stay pending in the store. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.immediate) clearImmediate(this.immediate);
    if (this.timer) clearTimeout(this.timer);
    this.immediate = null;
    this.timer = null;
    this.inbox = [];
    await this.queue.stop();
  }

  private readonly onEvent = (event: AlertEvent): void => {
    // A field change is no news: a hold ending on a firing alert comes as alert.released.
    if (this.stopped || event.type === 'alert.updated') return;
    if (this.inbox.length >= (this.options.maxInbox ?? 10_000)) {
      this.inbox.shift();
      this.droppedEvents++;
      this.deps.metrics.notificationsDropped.inc({ queue: 'events' });
    }
    this.inbox.push(event);
    this.immediate ??= setImmediate(() => this.planInbox());
  };

  /**
   * The planner starts from the stored announcements. Those of alerts since deleted are forgotten;
   * those of alerts resolved meanwhile are owed a resolve: returned as events to plan.
   */
  private restoreAnnouncements(now: number): AlertEvent[] {
    const owed = new Map<string, AlertEvent>();
    const kept: Announcement[] = [];
    const gone: AnnouncementChange[] = [];
    for (const announcement of this.deps.store.notifications.listAnnouncements()) {
      const alert = this.deps.store.alerts.get(announcement.alertId);
      if (!alert) { gone.push({ ...announcement, kinds: null }); continue; }
      kept.push(announcement);
      if (alert.state === 'resolved' && !owed.has(alert.id)) owed.set(alert.id, { type: 'alert.resolved', alert: toPublicAlert(alert) });
    }
    this.remember(gone, now);
    this.state = plannerStateFrom(kept);
    return [...owed.values()];
  }

  private planInbox(): void {
    this.immediate = null;
    // One line per turn, not per event: a storm that overflows the inbox must not flood the log too.
    if (this.droppedEvents > 0) this.deps.log.warn({ dropped: this.droppedEvents }, 'notification planner behind: oldest alert events dropped');
    this.droppedEvents = 0;
    const events = this.inbox;
    this.inbox = [];
    const channels = this.deps.channels.planned();
    for (const event of events) {
      const now = this.deps.now();
      const { state, outcomes, announcements } = planEvent(this.state, channels, event, now);
      this.state = state;
      this.remember(announcements, now);
      for (const o of outcomes) {
        if (o.outcome === 'queued' || o.outcome === 'throttled') this.deps.log.debug({ alertId: event.alert.id, event: event.type, channelId: o.channelId, outcome: o.outcome }, 'notification planned');
      }
    }
    this.flushDue();
  }

  /**
   * Sends the groups that are due. What the flush sends and what that tells the channels are
   * recorded together or not at all, and the planner moves on only once they are: a crash can
   * leave neither a channel counted as told about news that was never on its way (owed a resolve
   * of an incident it never opened) nor news on its way that no restart would owe a resolve for.
   * A flush that could not be recorded is planned again in full after flushRetryMs.
   */
  private flushDue(retry = false): void {
    if (this.stopped || (this.flushFailed && !retry)) return;
    const now = this.deps.now();
    const { state, batches, announcements } = planFlush(this.state, this.deps.channels.planned(), now);
    let deliveries: QueuedDelivery[];
    try {
      deliveries = this.record(batches, announcements, now);
    } catch (err) {
      this.deps.log.error({ err, deliveries: batches.length }, 'recording notifications failed; none sent, retrying');
      this.retryFlush();
      return;
    }
    this.flushFailed = false;
    this.state = state;
    for (const delivery of deliveries) this.queue.enqueue(delivery);
    if (deliveries.length > 0) this.deps.metrics.notificationQueueDepth.set(this.queue.depth);
    this.schedule(now);
  }

  /** One flush's deliveries and the announcements they make, in one transaction. */
  private record(batches: readonly DeliveryBatch[], announcements: readonly AnnouncementChange[], now: number): QueuedDelivery[] {
    if (batches.length === 0 && announcements.length === 0) return [];
    const { store } = this.deps;
    return store.transaction(() => {
      const deliveries = batches.map((batch): QueuedDelivery => {
        const delivery = { id: newId('ntf'), channelId: batch.channelId, batch };
        store.notifications.insertDelivery({ id: delivery.id, channelId: batch.channelId, event: batch.event, alertIds: batch.items.map((i) => i.alert.id), batch, at: now });
        return delivery;
      });
      for (const change of announcements) store.notifications.saveAnnouncement(change, now);
      return deliveries;
    });
  }

  private retryFlush(): void {
    this.flushFailed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = null;
    this.timer = setTimeout(() => { this.timer = null; this.flushDue(true); }, this.options.flushRetryMs ?? 5_000);
    this.timer.unref();
  }

  /** Stores what channels were told, so that a restart still owes them the resolves. */
  private remember(changes: readonly AnnouncementChange[], now: number): void {
    if (changes.length === 0) return;
    try {
      this.deps.store.transaction(() => {
        for (const change of changes) this.deps.store.notifications.saveAnnouncement(change, now);
      });
    } catch (err) {
      this.deps.log.error({ err, changes: changes.length }, 'recording which alerts channels were told failed');
    }
  }

  /** One timer, always for the earliest due group. */
  private schedule(now: number): void {
    const next = nextFlushAt(this.state);
    if (next === this.timerAt && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = next;
    if (next === null) return;
    this.timer = setTimeout(() => { this.timer = null; this.timerAt = null; this.flushDue(); }, Math.max(0, next - now));
    this.timer.unref();
  }

  private resume(now: number): void {
    const maxAge = this.options.resumeMaxAgeMs ?? 86_400_000;
    let resumed = 0;
    for (const pending of this.deps.store.notifications.listPending(this.queueOptions.maxQueued)) {
      const batch = DeliveryBatchSchema.safeParse(pending.batch);
      if (!batch.success) { this.giveUp(pending, 'unreadable after restart', now); continue; }
      if (now - pending.createdAt > maxAge) { this.giveUp(pending, 'expired: still pending when the collector restarted', now); continue; }
      this.queue.enqueue({ id: pending.id, channelId: pending.channelId, batch: batch.data });
      resumed++;
    }
    if (resumed > 0) this.deps.log.info({ deliveries: resumed }, 'resuming notification deliveries left pending');
  }

  private async attempt(delivery: QueuedDelivery, signal: AbortSignal): Promise<void> {
    const channel = this.deps.channels.get(delivery.channelId);
    if (!channel?.enabled) throw new DeliveryError('channel deleted or disabled', false);
    const ctx = { deliveryId: delivery.id, channelName: channel.name, baseUrl: this.deps.baseUrl(), now: this.deps.now() };
    await sendOnce(channel, delivery.batch, ctx, signal, this.queueOptions.timeoutMs);
  }

  private recorded(delivery: QueuedDelivery, outcome: { status: 'pending' | 'sent' | 'failed'; error: string | null }): void {
    const kind = this.deps.channels.get(delivery.channelId)?.kind ?? 'unknown';
    this.deps.metrics.notificationAttempts.inc({ kind, outcome: outcome.status === 'pending' ? 'retry' : outcome.status });
    this.deps.metrics.notificationQueueDepth.set(this.queue.depth);
    const fields = { deliveryId: delivery.id, channelId: delivery.channelId, kind, event: delivery.batch.event, alerts: delivery.batch.items.length, tenant: delivery.batch.tenantId };
    if (outcome.status === 'sent') this.deps.log.info(fields, 'notification sent');
    else this.deps.log.warn({ ...fields, error: outcome.error, final: outcome.status === 'failed' }, 'notification attempt failed');
    const at = this.deps.now();
    try {
      this.deps.store.transaction(() => {
        this.deps.store.notifications.recordAttempt(delivery.id, { ...outcome, at });
        if (outcome.status === 'failed') this.forgetUntold(delivery.channelId, delivery.batch.event, delivery.batch.items.map((i) => i.alert.id));
      });
    } catch (err) {
      this.deps.log.error({ err, deliveryId: delivery.id }, 'recording a notification attempt failed');
    }
  }

  /** Marks a delivery failed without another attempt, with what that means for the resolves owed. */
  private giveUp(delivery: { id: string; channelId: string; event: NotificationEvent; alertIds: readonly string[] }, error: string, at: number): void {
    this.deps.store.transaction(() => {
      this.deps.store.notifications.markFailed(delivery.id, error, at);
      this.forgetUntold(delivery.channelId, delivery.event, delivery.alertIds);
    });
  }

  /**
   * News of alerts firing finally failed to reach the channel. The channel is owed the resolve of
   * an alert only if it was told the alert fires: if this was its only news of the alert (nothing
   * else sent or still pending), a resolve would be noise about an incident it never opened, so
   * the announcement goes. One it heard of before (an open that went out, a later escalation that
   * failed) stays owed. Joins the caller's transaction; the planner follows once it commits.
   */
  private forgetUntold(channelId: string, event: NotificationEvent, alertIds: readonly string[]): void {
    if (event === 'resolved') return;
    const { store } = this.deps;
    for (const alertId of alertIds) {
      if (store.notifications.hasFiringNews(channelId, alertId)) continue;
      store.notifications.saveAnnouncement({ channelId, alertId, kinds: null }, this.deps.now());
      store.afterCommit(() => { this.state = forgetAnnouncement(this.state, channelId, alertId); });
    }
  }

  private dropped(delivery: QueuedDelivery): void {
    this.deps.metrics.notificationsDropped.inc({ queue: 'deliveries' });
    this.deps.log.warn({ deliveryId: delivery.id, channelId: delivery.channelId, event: delivery.batch.event }, 'notification queue full: oldest delivery dropped');
    try {
      const { batch } = delivery;
      this.giveUp({ id: delivery.id, channelId: delivery.channelId, event: batch.event, alertIds: batch.items.map((i) => i.alert.id) }, 'dropped: delivery queue full', this.deps.now());
    } catch (err) {
      this.deps.log.error({ err, deliveryId: delivery.id }, 'recording a dropped notification failed');
    }
  }
}
