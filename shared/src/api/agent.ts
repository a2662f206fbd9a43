import { z } from 'zod';
import { OsPlatformSchema } from '../protocol/os-platform.js';
import { SourceStatusSchema } from '../protocol/source-status.js';
import { SpoolReportSchema } from '../protocol/spool-report.js';
import { SlugSchema } from './slug.js';

/**
 * The collector's liveness verdict: "offline" once the agent has been unheard of for its offline
 * threshold, "online" from its next connection on; "unknown" until it first connects.
 */
export const AgentPresenceSchema = z.enum(['online', 'offline', 'unknown']);
export type AgentPresence = z.infer<typeof AgentPresenceSchema>;

/** An enrolled endpoint as the API serves it. */
export const AgentSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  siteId: z.string(),
  hostname: z.string(),
  os: z.object({ platform: OsPlatformSchema, distro: z.string(), release: z.string(), arch: z.string() }),
  agentVersion: z.string(),
  tags: z.array(z.string()),
  enrolledAt: z.number(),
  lastSeenAt: z.number().nullable(),
  lastSeq: z.number(),
  /** Has a live connection right now. */
  online: z.boolean(),
  /** Unlike `online`, survives brief disconnects and collector restarts (see AgentPresenceSchema). */
  presence: AgentPresenceSchema,
  revokedAt: z.number().nullable(),
  /**
   * What the agent's latest frame said about its spool: `dropped` counts the frames it discarded
   * because the spool was full (a gap of that many seqs is accounted for), `depth` the frames it
   * held. Null until the agent sends a frame that says so (agents from before it never do);
   * absent from collectors from before it.
   */
  spool: SpoolReportSchema.nullable().optional(),
});
export type Agent = z.infer<typeof AgentSchema>;

/** GET /api/v1/agents/:id adds what the latest frame said about its sources and sections. */
export const AgentDetailSchema = AgentSchema.extend({
  sources: z.array(SourceStatusSchema),
  sections: z.record(z.string(), z.unknown()),
});
export type AgentDetail = z.infer<typeof AgentDetailSchema>;

export const TelemetrySampleSchema = z.object({
  metric: z.string(),
  value: z.number(),
  labels: z.record(z.string(), z.string()),
  ts: z.number(),
  seq: z.number(),
});
export type TelemetrySample = z.infer<typeof TelemetrySampleSchema>;

/** Body of POST /api/v1/enrollment-tokens (and the CLI's enroll-token create). */
export const EnrollmentTokenInputSchema = z
  .object({
    tenant: SlugSchema,
    site: SlugSchema.default('default'),
    tags: z.array(z.string().min(1).max(64)).max(32).default([]),
    /** Lifetime in milliseconds; the CLI accepts durations such as 24h. */
    expiresInMs: z.number().int().positive().max(365 * 86_400_000).default(86_400_000),
    maxUses: z.number().int().positive().nullable().default(null),
  })
  .strict();
export type EnrollmentTokenInput = z.infer<typeof EnrollmentTokenInputSchema>;
export { SlugSchema };
