import { z } from 'zod';
import { SlugSchema } from './slug.js';

export const RunStateSchema = z.enum(['queued', 'sent', 'running', 'succeeded', 'failed', 'timed_out', 'rejected', 'error']);
export type RunState = z.infer<typeof RunStateSchema>;
export const FINAL_RUN_STATES: readonly RunState[] = ['succeeded', 'failed', 'timed_out', 'rejected', 'error'];

/** Body of POST /api/v1/jobs: run a script on chosen agents by hand. */
export const JobInputSchema = z
  .object({
    scriptId: z.string().min(1),
    agentIds: z.array(z.string().min(1)).min(1).max(100_000),
    /** Replaces the script's default arguments for this job. */
    args: z.array(z.string().max(4096)).max(64).optional(),
  })
  .strict();
export type JobInput = z.infer<typeof JobInputSchema>;

export const JobRunSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  agentId: z.string(),
  state: RunStateSchema,
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  stdout: z.string().nullable(),
  stderr: z.string().nullable(),
  stdoutTruncated: z.boolean(),
  stderrTruncated: z.boolean(),
  error: z.string().nullable(),
  queuedAt: z.number(),
  sentAt: z.number().nullable(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
});
export type JobRun = z.infer<typeof JobRunSchema>;

export const JobSchema = z.object({
  id: z.string(),
  scriptId: z.string(),
  scriptName: z.string(),
  /** Set when an alert's runbook started the job. */
  alertId: z.string().nullable(),
  /** The one tenant of its agents; null when they span several. */
  tenantId: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.number(),
  args: z.array(z.string()),
  runs: z.array(JobRunSchema),
});
export type Job = z.infer<typeof JobSchema>;

/** Body of POST /api/v1/runbooks. For now a runbook is one script with its arguments. */
export const RunbookInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    scriptId: z.string().min(1),
    args: z.array(z.string().max(4096)).max(64).optional(),
    /** The tenant whose runbook this is; absent: MSP-wide. Its script must be this tenant's or MSP-wide. */
    tenant: SlugSchema.optional(),
  })
  .strict();
export type RunbookInput = z.infer<typeof RunbookInputSchema>;

export const RunbookSchema = RunbookInputSchema.omit({ tenant: true }).extend({
  id: z.string(),
  /** Null: MSP-wide. */
  tenantId: z.string().nullable(),
  createdAt: z.number(),
});
export type Runbook = z.infer<typeof RunbookSchema>;
