import { z } from 'zod';
import { ParamValueSchema } from '../signing/script-manifest.js';
import { durationStringSchema } from './duration-string.js';
import { ScriptOsSchema } from './script.js';
import { SlugSchema } from './slug.js';

/**
 * A run's life: queued → sent → running → succeeded | failed | timed_out | rejected (the agent
 * refused it, with the reason) | error (it could not be run); or, before it ran, expired (its
 * agent stayed offline past the job's expiry) or cancelled.
 */
export const RunStateSchema = z.enum(['queued', 'sent', 'running', 'succeeded', 'failed', 'timed_out', 'rejected', 'error', 'expired', 'cancelled']);
export type RunState = z.infer<typeof RunStateSchema>;
export const FINAL_RUN_STATES: readonly RunState[] = ['succeeded', 'failed', 'timed_out', 'rejected', 'error', 'expired', 'cancelled'];

const JobTargetFieldsSchema = z.object({
  tenant: SlugSchema.optional(),
  site: SlugSchema.optional(),
  tags: z.array(z.string().min(1).max(64)).max(32).optional(),
  os: ScriptOsSchema.optional(),
  agentIds: z.array(z.string().min(1)).min(1).max(100_000).optional(),
}).strict();

/** Which agents a job runs on: every field given narrows (tags: all of them); agentIds adds none, it is its own selection. */
export const JobTargetsSchema = JobTargetFieldsSchema
  .refine((t) => Object.values(t).some((v) => v !== undefined), { message: 'name at least one of tenant, site, tags, os, agentIds' });
export type JobTargets = z.infer<typeof JobTargetsSchema>;

/**
 * A job's targets in a list: as given, except that agents named by id are counted instead of
 * listed (up to 100,000 ids), so that a list stays small however many agents a job named.
 */
export const JobTargetsBriefSchema = JobTargetFieldsSchema.omit({ agentIds: true }).extend({
  agentIdCount: z.number().int().min(1).optional(),
});
export type JobTargetsBrief = z.infer<typeof JobTargetsBriefSchema>;

/** Targets in brief (see JobTargetsBriefSchema); a brief is returned as it is. */
export function briefTargets(targets: JobTargets | JobTargetsBrief): JobTargetsBrief {
  // Full targets never carry agentIdCount and a brief never carries agentIds: reading both covers either.
  const { agentIds, ...filters } = targets as JobTargets & JobTargetsBrief;
  return agentIds ? { ...filters, agentIdCount: agentIds.length } : filters;
}

/** What a job does with the runs of agents that are offline: run them when they reconnect (before expiry), or let them expire. */
export const OfflinePolicySchema = z.enum(['run_on_reconnect', 'expire']);

/** Body of POST /api/v1/jobs: run a script version on chosen agents. */
export const JobInputSchema = z.object({
  scriptId: z.string().min(1),
  /** The script version; default the latest. */
  version: z.number().int().min(1).optional(),
  targets: JobTargetsSchema.optional(),
  /** The same as targets.agentIds (the shape before targets existed). */
  agentIds: z.array(z.string().min(1)).min(1).max(100_000).optional(),
  /** Values of the parameters the script declares; the agent checks them against the signed declaration. */
  params: z.record(z.string().max(64), ParamValueSchema).default({}),
  /** Replaces an unsigned script's fixed arguments; refused for signed scripts, whose arguments are signed. */
  args: z.array(z.string().max(4096)).max(64).optional(),
  offline: OfflinePolicySchema.default('run_on_reconnect'),
  /** After this long, runs not yet sent expire and agents refuse the dispatch. */
  expiresIn: durationStringSchema({ maxDays: 30, positive: true }).default('24h'),
  /** At most this many runs of the job sent and unfinished at once. */
  concurrency: z.number().int().min(1).max(100_000).default(10_000),
  /** At most this many dispatches per second. */
  ratePerSec: z.number().int().min(1).max(100_000).default(10_000),
}).strict().refine((j) => j.targets !== undefined || j.agentIds !== undefined, { message: 'name the agents: targets or agentIds', path: ['targets'] });
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
  /** Why it did not run (the agent's refusal), or failed before the script started. */
  error: z.string().nullable(),
  queuedAt: z.number(),
  sentAt: z.number().nullable(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
});
export type JobRun = z.infer<typeof JobRunSchema>;

/** awaiting_approval → active → finished (every run final) | cancelled | rejected (by the approver). */
export const JobStatusSchema = z.enum(['awaiting_approval', 'active', 'finished', 'cancelled', 'rejected']);
export type JobStatus = z.infer<typeof JobStatusSchema>;

export const JobApprovalSchema = z.object({
  required: z.boolean(),
  decidedBy: z.string().nullable(),
  decidedAt: z.number().nullable(),
  decision: z.enum(['approved', 'rejected']).nullable(),
  comment: z.string().nullable(),
});

export const JobSchema = z.object({
  id: z.string(),
  scriptId: z.string(),
  scriptName: z.string(),
  version: z.number(),
  /** SHA-256 of the manifest that runs. */
  digest: z.string(),
  /** Set when an alert's runbook started the job. */
  alertId: z.string().nullable(),
  runbookRunId: z.string().nullable(),
  /** The one tenant of its agents; null when they span several. */
  tenantId: z.string().nullable(),
  status: JobStatusSchema,
  approval: JobApprovalSchema,
  params: z.record(z.string(), ParamValueSchema),
  /** Unsigned scripts only: arguments that replaced the script's. */
  args: z.array(z.string()),
  offline: OfflinePolicySchema,
  expiresAt: z.number(),
  concurrency: z.number(),
  ratePerSec: z.number(),
  createdBy: z.string(),
  /** The user who asked for the job; null when a runbook did, or an API token without a user. */
  requestedByUserId: z.string().nullable(),
  createdAt: z.number(),
  /** The agents as the request named them (each agent they matched has one run); null for jobs older than the record. */
  targets: JobTargetsSchema.nullable(),
  /** Runs per state. */
  counts: z.record(RunStateSchema, z.number()),
  /** Every run; `GET /api/v1/jobs/:id/runs` pages and searches them. */
  runs: z.array(JobRunSchema),
});
export type Job = z.infer<typeof JobSchema>;

/** Query of GET /api/v1/jobs/:id/runs: runs by state, and by text in their output or error. */
export const JobRunQuerySchema = z.object({
  state: RunStateSchema.optional(),
  q: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
  offset: z.coerce.number().int().min(0).default(0),
});

/** Body of POST /api/v1/jobs/:id/approve and …/reject. */
export const JobDecisionSchema = z.object({ comment: z.string().max(2000).optional() }).strict();

/** A job without its runs: lists, approvals, and what the live stream starts from. */
export const JobSummarySchema = JobSchema.omit({ runs: true });
export type JobSummary = z.infer<typeof JobSummarySchema>;

/** A run without its output: what the live stream carries (the output is fetched with the runs). */
export const JobRunProgressSchema = JobRunSchema.omit({ stdout: true, stderr: true });
export type JobRunProgress = z.infer<typeof JobRunProgressSchema>;

/**
 * One job of GET /api/v1/jobs: its summary (counts per run state, no runs) with its targets in
 * brief; listing one agent's jobs (`?agentId=`), also that agent's run, without its output.
 */
export const JobListItemSchema = JobSummarySchema.omit({ targets: true }).extend({
  targets: JobTargetsBriefSchema.nullable(),
  agentRun: JobRunProgressSchema.optional(),
});
export type JobListItem = z.infer<typeof JobListItemSchema>;

/** GET /api/v1/jobs, newest first. */
export const JobListSchema = z.object({ jobs: z.array(JobListItemSchema) });
export type JobList = z.infer<typeof JobListSchema>;

/** GET /api/v1/jobs/:id/runs: one page of the runs that match, and how many match in all. */
export const JobRunPageSchema = z.object({ runs: z.array(JobRunSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
export type JobRunPage = z.infer<typeof JobRunPageSchema>;

/**
 * GET /api/v1/jobs/:id/stream (WebSocket): a snapshot of the job and its runs without output,
 * then the output the running runs printed so far, then every run change, every chunk of output
 * as it arrives, and every change of the job's status, counts or approval; the server closes it
 * (1000) once the job is over (finished, cancelled or rejected).
 */
export const JobStreamMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job.snapshot'), job: JobSummarySchema.extend({ runs: z.array(JobRunProgressSchema) }) }),
  z.object({ type: z.literal('run.updated'), run: JobRunProgressSchema }),
  z.object({
    type: z.literal('job.updated'),
    status: JobStatusSchema,
    counts: z.record(RunStateSchema, z.number()),
    /** Who decided on the approval, when, how and why (absent from collectors that predate it). */
    approval: JobApprovalSchema.optional(),
  }),
  /**
   * What a running run printed, live and best effort: `offset` is how many UTF-8 bytes of that
   * stream came before `data`. A watcher appends a chunk that continues what it has and ignores
   * the rest; once the run is final, its stored output (from the runs) replaces all of it.
   */
  z.object({
    type: z.literal('run.output'),
    runId: z.string(),
    agentId: z.string(),
    stream: z.enum(['stdout', 'stderr']),
    offset: z.number().int().nonnegative(),
    data: z.string(),
  }),
]);
export type JobStreamMessage = z.infer<typeof JobStreamMessageSchema>;
