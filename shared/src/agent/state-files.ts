import { z } from 'zod';

/**
 * Files the agent keeps in its state directory. They live here rather than in the agent so that
 * installers, integration tests and support tooling read them with the same schema.
 */

/** `agent.json`: who this endpoint is, written once by `vigil-agent enroll`. */
export const AgentEnrollmentFileSchema = z.object({
  server: z.url(),
  agentId: z.string().min(1),
  tenantId: z.string(),
  siteId: z.string(),
  tags: z.array(z.string()),
  /** ISO 8601. */
  enrolledAt: z.string(),
});
export type AgentEnrollmentFile = z.infer<typeof AgentEnrollmentFileSchema>;

export const AgentConnectionStateSchema = z.enum(['connecting', 'connected', 'disconnected']);
export type AgentConnectionState = z.infer<typeof AgentConnectionStateSchema>;

/** `status.json`: what `vigil-agent run` is doing, rewritten on every change of note. Times are ISO 8601. */
export const AgentRuntimeStatusSchema = z.object({
  pid: z.number().int(),
  agentId: z.string(),
  server: z.string(),
  state: AgentConnectionStateSchema,
  /** False once `run` has exited cleanly. */
  running: z.boolean(),
  startedAt: z.string(),
  updatedAt: z.string(),
  lastConnectedAt: z.string().nullable(),
  lastDisconnectedAt: z.string().nullable(),
  /** Highest seq handed to a frame, and highest seq the collector acknowledged. */
  lastSeq: z.number().int().nonnegative(),
  lastAckedSeq: z.number().int().nonnegative().nullable(),
  /** Frames held for (re)sending, and frames dropped because the buffer was full. */
  unacked: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
  /** Finished script results waiting for a connection. */
  pendingResults: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
});
export type AgentRuntimeStatus = z.infer<typeof AgentRuntimeStatusSchema>;
