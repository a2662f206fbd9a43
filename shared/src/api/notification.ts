import { z } from 'zod';
import { durationStringSchema } from './duration-string.js';
import { PrioritySchema } from './rule.js';

export const NotificationKindSchema = z.enum(['webhook', 'slack', 'teams', 'email']);
export type NotificationKind = z.infer<typeof NotificationKindSchema>;

/** What a channel can be told about an alert (the feed's alert.* transitions that matter to people). */
export const NotificationEventSchema = z.enum(['opened', 'escalated', 'breached', 'resolved', 'released']);
export type NotificationEvent = z.infer<typeof NotificationEventSchema>;

/** "30s", "5m", "4h"; zero sends at once or never throttles; past a week between notifications is a typo. */
const NotifyDurationSchema = durationStringSchema({ maxDays: 7 });

/** Only http(s): a webhook is a POST over HTTP; anything else is a mistake or an attack on the collector. */
const WebhookUrlSchema = z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).max(2048);

export const UrlTargetSchema = z.object({ url: WebhookUrlSchema }).strict();
export type UrlTarget = z.infer<typeof UrlTargetSchema>;

/** The SMTP relay and the envelope. `auth.password` is write-only like a webhook secret. */
export const SmtpTargetSchema = z.object({
  host: z.string().trim().min(1).max(253),
  port: z.number().int().min(1).max(65535).default(587),
  /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when offered. */
  secure: z.boolean().default(false),
  auth: z.object({ user: z.string().min(1).max(256), password: z.string().min(1).max(1024) }).strict().optional(),
  from: z.email().max(320),
  to: z.array(z.email().max(320)).min(1).max(50),
}).strict();
export type SmtpTarget = z.infer<typeof SmtpTargetSchema>;

/** The HMAC key of a generic webhook: long enough not to be guessed. */
export const WebhookSecretSchema = z.string().min(16, 'must be at least 16 characters').max(256);

/** Which alerts a channel hears about. Every field narrows; the defaults let everything through at L1. */
export const NotificationFiltersSchema = z.object({
  /** Like a rule's scope: tenant and site must match when given. */
  scope: z.object({ tenant: z.string().min(1).max(64).optional(), site: z.string().min(1).max(64).optional() }).strict().default({}),
  /** The least urgent priority that still notifies: "P2" lets P1 and P2 through. */
  minPriority: PrioritySchema.default('P4'),
  /**
   * Escalation levels the channel serves (L1 the NOC, L3 a manager...). `alert.escalated` goes to
   * the channels serving the new level; every other event to the channels serving a level the
   * alert has reached (so the manager who was paged at L3 also hears the resolve).
   */
  levels: z.array(z.number().int().min(1).max(4)).min(1).max(4).default([1]),
  events: z.array(NotificationEventSchema).min(1).max(5).default(['opened', 'escalated', 'breached', 'resolved', 'released']),
}).strict();
export type NotificationFilters = z.infer<typeof NotificationFiltersSchema>;

const CommonFields = {
  name: z.string().trim().min(1).max(200),
  filters: NotificationFiltersSchema.default({ scope: {}, minPriority: 'P4', levels: [1], events: ['opened', 'escalated', 'breached', 'resolved', 'released'] }),
  /** How long a new group waits for more alerts before its first notification. */
  groupWait: NotifyDurationSchema.default('30s'),
  /** How long after a group's notification its next one (new alerts, resolves) may go out. */
  groupInterval: NotifyDurationSchema.default('5m'),
  /** The same notification about the same still-open alert is not repeated within this. */
  repeatInterval: NotifyDurationSchema.default('4h'),
  enabled: z.boolean().default(true),
};

/** Body of POST /api/v1/notification-channels; the kind decides what target looks like. */
export const NotificationChannelInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('webhook'), target: UrlTargetSchema,
    /** HMAC-SHA256 key; generated when omitted. Returned once, in the creation's answer. */
    secret: WebhookSecretSchema.optional(),
    ...CommonFields,
  }).strict(),
  z.object({ kind: z.literal('slack'), target: UrlTargetSchema, ...CommonFields }).strict(),
  z.object({ kind: z.literal('teams'), target: UrlTargetSchema, ...CommonFields }).strict(),
  z.object({ kind: z.literal('email'), target: SmtpTargetSchema, ...CommonFields }).strict(),
]);
export type NotificationChannelInput = z.infer<typeof NotificationChannelInputSchema>;

/**
 * Body of PATCH /api/v1/notification-channels/:id: any subset; the kind cannot change. The target
 * is checked against the channel's kind once merged, and replaces the old one whole.
 */
export const NotificationChannelPatchSchema = z.object({
  name: CommonFields.name,
  target: z.record(z.string(), z.unknown()),
  secret: WebhookSecretSchema,
  filters: NotificationFiltersSchema,
  groupWait: NotifyDurationSchema,
  groupInterval: NotifyDurationSchema,
  repeatInterval: NotifyDurationSchema,
  enabled: z.boolean(),
}).partial().strict();
export type NotificationChannelPatch = z.infer<typeof NotificationChannelPatchSchema>;

/** A channel as the API shows it: secrets (the webhook key, the SMTP password) never appear. */
export const NotificationChannelSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: NotificationKindSchema,
  target: z.union([UrlTargetSchema, SmtpTargetSchema.extend({ auth: z.object({ user: z.string() }).optional() })]),
  filters: NotificationFiltersSchema,
  groupWait: z.string(),
  groupInterval: z.string(),
  repeatInterval: z.string(),
  enabled: z.boolean(),
  /** Whether a webhook key is set (the key itself is shown once, when the channel is created). */
  hasSecret: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type NotificationChannel = z.infer<typeof NotificationChannelSchema>;

export const DeliveryStatusSchema = z.enum(['pending', 'sent', 'failed']);
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

/** One notification to one channel (a group of alerts, one event) and how sending it went. */
export const NotificationDeliverySchema = z.object({
  id: z.string(),
  channelId: z.string(),
  event: NotificationEventSchema,
  alertIds: z.array(z.string()),
  status: DeliveryStatusSchema,
  /** Attempts made so far; each failed one leaves its error in lastError. */
  attempts: z.number().int().min(0),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  sentAt: z.number().nullable(),
});
export type NotificationDelivery = z.infer<typeof NotificationDeliverySchema>;

export const NotificationDeliveryQuerySchema = z.object({
  channel: z.string().min(1).max(64).optional(),
  status: DeliveryStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();
export type NotificationDeliveryQuery = z.infer<typeof NotificationDeliveryQuerySchema>;

/** Headers of a signed generic webhook: `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` and the Unix seconds signed. */
export const SIGNATURE_HEADER = 'x-vigil-signature';
export const TIMESTAMP_HEADER = 'x-vigil-timestamp';
