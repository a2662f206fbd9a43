import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { LabelsSchema } from '../labels.js';
import { ComparisonOpSchema, PrioritySchema, RuleDurationSchema } from './rule.js';
import { AlertRemediationSchema } from './runbook.js';

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
  /**
   * The acknowledgement in force for this occurrence: it stops the response clock. Cleared when an
   * expiring acknowledgement lapses or the alert re-opens (who acknowledged stays in the audit log).
   */
  acknowledgedAt: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.number().nullable(),
  /** "auto" when the value cleared, otherwise who resolved it. */
  resolvedBy: z.string().nullable(),
  comment: z.string().nullable(),
  /** How many times this series opened; a re-open shortly after a resolve continues the same alert. */
  occurrences: z.number().int().min(1),
  /** Changing state too often (weighted state changes over recent evaluations); flapping alerts do not notify. */
  flapping: z.boolean(),
  /** An acknowledgement with an expiry falls back to open at this instant; null when sticky or not acknowledged. */
  ackExpiresAt: z.number().nullable(),
  /**
   * The maintenance window the alert is inside: recorded, but neither notified nor remediated,
   * clocks paused. An alert already open when the window started is held from its start; at the
   * release its deadlines and escalation steps move on by the time held.
   */
  maintenanceWindowId: z.string().nullable(),
  /** SLA clocks from the priority and the tenant's SLA policy (null until stamped). */
  respondBy: z.number().nullable(),
  resolveBy: z.number().nullable(),
  respondBreachedAt: z.number().nullable(),
  resolveBreachedAt: z.number().nullable(),
  /** Escalation level L1–L4, raised by elapsed time and on SLA breach. */
  escalationLevel: z.number().int().min(1).max(4),
  escalatedAt: z.number().nullable(),
  /**
   * The alert this one depends on while that is open: the agent's offline (`agent.online`) alert,
   * or for an offline alert, its site's "Site offline" alert. A suppressed alert neither notifies,
   * runs its runbook, nor auto-resolves on what the agent last reported.
   */
  suppressedBy: z.string().nullable(),
  /**
   * How its rule's runbook last ended for this occurrence (resolved, escalated with its output,
   * capped, rejected); null (or absent) when none has finished.
   */
  remediation: AlertRemediationSchema.nullable().optional(),
});
export type Alert = z.infer<typeof AlertSchema>;

/**
 * What held an open alert back from notifying until it ended: a maintenance window, the outage it
 * depended on (its agent offline, or for an offline alert its site down), or flapping.
 */
export const AlertReleaseReasonSchema = z.enum(['maintenance', 'suppression', 'flapping']);
export type AlertReleaseReason = z.infer<typeof AlertReleaseReasonSchema>;

/** Messages on GET /api/v1/alerts/stream. */
export const AlertFeedMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), alerts: z.array(AlertSchema) }),
  z.object({ type: z.literal('alert.opened'), alert: AlertSchema }),
  z.object({ type: z.literal('alert.updated'), alert: AlertSchema }),
  z.object({ type: z.literal('alert.resolved'), alert: AlertSchema }),
  /** An SLA clock ran out: `clock` says which; the alert carries the breach instant. */
  z.object({ type: z.literal('alert.breached'), alert: AlertSchema, clock: z.enum(['respond', 'resolve']) }),
  /**
   * An alert held back is still broken when the hold ends: from now on it counts as fired —
   * notified, remediated, its SLA clocks running. `from` says which hold ended (see
   * AlertReleaseReasonSchema). A release from suppression or flapping follows the alert.updated
   * that carried the field's change, so consumers that only track fields need not know it.
   */
  z.object({ type: z.literal('alert.released'), alert: AlertSchema, from: AlertReleaseReasonSchema }),
  /** The alert moved up an escalation level. */
  z.object({ type: z.literal('alert.escalated'), alert: AlertSchema, level: z.number().int().min(2).max(4) }),
]);
export type AlertFeedMessage = z.infer<typeof AlertFeedMessageSchema>;

export const AlertActionSchema = z.object({ comment: z.string().max(2000).optional() }).strict();

/** Unparseable text is reported by RuleDurationSchema itself; only zero is refused here. */
function isPositiveDuration(text: string): boolean {
  try {
    return parseDuration(text) > 0;
  } catch {
    return true;
  }
}

/**
 * Body of POST /api/v1/alerts/:id/ack. With `expiresIn` ("2h") the acknowledgement lapses at that
 * instant and an alert still unresolved falls back to open; without it, it lasts until resolved.
 */
export const AlertAckSchema = AlertActionSchema.extend({
  expiresIn: RuleDurationSchema.refine(isPositiveDuration, 'must be longer than zero').optional(),
}).strict();
export type AlertAck = z.infer<typeof AlertAckSchema>;
