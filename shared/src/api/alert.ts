import { z } from 'zod';
import { LabelsSchema } from '../labels.js';
import { ComparisonOpSchema, PrioritySchema } from './rule.js';

export const AlertStateSchema = z.enum(['open', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof AlertStateSchema>;

export const AlertSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  agentId: z.string(),
  hostname: z.string(),
  tenantId: z.string(),
  siteId: z.string(),
  metric: z.string(),
  labels: LabelsSchema,
  op: ComparisonOpSchema,
  threshold: z.number(),
  priority: PrioritySchema,
  state: AlertStateSchema,
  /** The value that opened the alert, and the latest value seen while it was open. */
  openValue: z.number(),
  value: z.number(),
  openedAt: z.number(),
  updatedAt: z.number(),
  acknowledgedAt: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.number().nullable(),
  /** "auto" when the value cleared, otherwise who resolved it. */
  resolvedBy: z.string().nullable(),
  comment: z.string().nullable(),
  /**
   * While the alert's agent is offline: the id of that agent's offline (`agent.online`) alert. A
   * suppressed alert neither runs its runbook nor auto-resolves on what the agent last reported.
   */
  suppressedBy: z.string().nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

/** Messages on GET /api/v1/alerts/stream. */
export const AlertFeedMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), alerts: z.array(AlertSchema) }),
  z.object({ type: z.literal('alert.opened'), alert: AlertSchema }),
  z.object({ type: z.literal('alert.updated'), alert: AlertSchema }),
  z.object({ type: z.literal('alert.resolved'), alert: AlertSchema }),
]);
export type AlertFeedMessage = z.infer<typeof AlertFeedMessageSchema>;

export const AlertActionSchema = z.object({ comment: z.string().max(2000).optional() }).strict();
