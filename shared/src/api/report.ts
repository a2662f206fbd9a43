import { z } from 'zod';
import { PrioritySchema } from './rule.js';

/** Query of GET /api/v1/reports/kpi: a tenant (all when omitted) and a period [from, to). */
export const KpiQuerySchema = z
  .object({
    tenant: z.string().min(1).max(64).optional(),
    /** Unix milliseconds or ISO 8601. */
    from: z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((s: string) => Date.parse(s))]),
    to: z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((s: string) => Date.parse(s))]),
    /** A security patch pending longer than this makes an agent non-compliant (default 14 days). */
    securityPatchMaxAge: z.string().max(16).default('14d'),
  })
  .strict()
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] });
export type KpiQuery = z.infer<typeof KpiQuerySchema>;

/** A percentage, or null when there was nothing to measure. */
const Percent = z.number().min(0).max(100).nullable();
/** A mean duration in milliseconds, or null without samples. */
const MeanMs = z.number().nonnegative().nullable();

export const PriorityKpiSchema = z.object({
  alerts: z.number().int().nonnegative(),
  meanTimeToAcknowledgeMs: MeanMs,
  meanTimeToResolveMs: MeanMs,
  slaCompliancePct: Percent,
});

export const KpiReportSchema = z.object({
  tenant: z.string().nullable(),
  from: z.number(),
  to: z.number(),
  generatedAt: z.number(),
  alerts: z.object({
    total: z.number().int().nonnegative(),
    byPriority: z.record(PrioritySchema, z.number().int().nonnegative()),
    /** By the metric's family (cpu, mem, disk, patch, event, service, agent, ...). */
    bySource: z.record(z.string(), z.number().int().nonnegative()),
  }),
  /** Alerts with SLA clocks opened in the period that breached neither clock. */
  slaCompliancePct: Percent,
  byPriority: z.record(PrioritySchema, PriorityKpiSchema),
  /**
   * Of the alerts opened in the period that are resolved, the share fixed without a person: a
   * linked runbook run succeeded and the alert then resolved by itself (value cleared, or the
   * runbook's verify stage). Alerts resolved by hand count in the whole, never in the part.
   */
  autoRemediatedPct: Percent,
  /** Online time over monitored time, all agents of the scope together. */
  agentAvailabilityPct: Percent,
  /** Agents with no security patch pending longer than allowed, of those whose patch status is known. */
  patchCompliancePct: Percent,
  agents: z.object({ monitored: z.number().int().nonnegative(), patchStatusKnown: z.number().int().nonnegative() }),
});
export type KpiReport = z.infer<typeof KpiReportSchema>;
