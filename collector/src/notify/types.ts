import { AlertReleaseReasonSchema, AlertSchema, NotificationEventSchema, type NotificationFilters } from '@vigil/shared';
import { z } from 'zod';

/** One alert in a notification, with what happened to it. */
export const PlanItemSchema = z.object({
  alert: AlertSchema,
  event: NotificationEventSchema,
  /** For `escalated`: the level reached. */
  level: z.number().int().min(2).max(4).optional(),
  /** For `breached`: which SLA clock ran out. */
  clock: z.enum(['respond', 'resolve']).optional(),
  /** For `released`: which hold ended (absent in deliveries stored before it was recorded: maintenance). */
  from: AlertReleaseReasonSchema.optional(),
});
export type PlanItem = z.infer<typeof PlanItemSchema>;

/**
 * What one delivery carries: the alerts of one group (channel, tenant, rule) that one event
 * happened to. Stored with the delivery so a restart can still send it.
 */
export const DeliveryBatchSchema = z.object({
  channelId: z.string(),
  tenantId: z.string(),
  ruleId: z.string(),
  event: NotificationEventSchema,
  items: z.array(PlanItemSchema).min(1),
});
export type DeliveryBatch = z.infer<typeof DeliveryBatchSchema>;

/** A channel as the planner sees it: its filters and its timings in milliseconds. */
export interface ChannelPlan {
  id: string;
  enabled: boolean;
  filters: NotificationFilters;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

/**
 * Why a channel was not told about an event. `unannounced`: a resolve of an alert the channel was
 * never told had fired (or whose firing news was still waiting in its group, and is dropped with it).
 */
export type SkipReason =
  | 'disabled' | 'event' | 'scope' | 'priority' | 'level' | 'flapping' | 'suppressed' | 'maintenance' | 'throttled' | 'unannounced';
