import { z } from 'zod';
import { OsPlatformSchema } from '../protocol/os-platform.js';
import { SpoolReportSchema } from '../protocol/spool-report.js';
import { AgentPresenceSchema } from './agent.js';
import { PrioritySchema } from './rule.js';

/**
 * What the agent's latest `patches` section said, in brief (see PatchesSectionSchema). Null fields
 * mean the source cannot tell, never zero.
 */
export const FleetPatchesSchema = z.object({
  pending: z.number().int().nonnegative(),
  /** Pending security updates; null when the source does not classify them. */
  security: z.number().int().nonnegative().nullable(),
  rebootRequired: z.boolean().nullable(),
});
export type FleetPatches = z.infer<typeof FleetPatchesSchema>;

/** One endpoint in the fleet list: only what the list shows, so ten thousand rows stay small. */
export const FleetRowSchema = z.object({
  id: z.string(),
  hostname: z.string(),
  tenantId: z.string(),
  siteId: z.string(),
  os: z.object({ platform: OsPlatformSchema, distro: z.string(), release: z.string() }),
  tags: z.array(z.string()),
  /** The collector's liveness verdict (see AgentPresenceSchema); `unknown` for a revoked agent. */
  presence: AgentPresenceSchema,
  /** Has a live connection right now. */
  online: z.boolean(),
  lastSeenAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
  agentVersion: z.string(),
  /** Null until the agent has reported a successful patch scan. */
  patches: FleetPatchesSchema.nullable(),
  /** Unresolved (open or acknowledged) alerts on this agent. */
  openAlerts: z.number().int().nonnegative(),
  /** The most urgent priority among those alerts; null when there are none. */
  highestPriority: PrioritySchema.nullable(),
  /** Frames the agent's full spool dropped and frames it holds (see AgentSchema.spool); absent until it reports them. */
  spool: SpoolReportSchema.optional(),
});
export type FleetRow = z.infer<typeof FleetRowSchema>;

/** Most rows GET /api/v1/fleet answers with (and its default). */
export const MAX_FLEET_ROWS = 20_000;

/** Query of GET /api/v1/fleet: every filter optional; without any, every agent the caller may see. */
export const FleetQuerySchema = z.object({
  tenant: z.string().optional(),
  site: z.string().optional(),
  os: OsPlatformSchema.optional(),
  presence: AgentPresenceSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_FLEET_ROWS).default(MAX_FLEET_ROWS),
});
export type FleetQuery = z.infer<typeof FleetQuerySchema>;

/** Body of GET /api/v1/fleet: ordered by hostname, then id. */
export const FleetResponseSchema = z.object({
  agents: z.array(FleetRowSchema),
  /** More agents matched than the limit let through (the rest come after the last hostname). */
  truncated: z.boolean(),
});
export type FleetResponse = z.infer<typeof FleetResponseSchema>;
