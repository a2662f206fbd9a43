import { JobRunSchema, JobSchema, JobStatusSchema, JobSummarySchema, type RunState } from '@vigil/shared';
import { z } from 'zod';

/**
 * The part of a job the benchmark reads: its status, its runs per state, and per run the
 * collector's timestamps. Picked from the shared schema so a change of the contract shows here,
 * while fields the benchmark does not need may change freely.
 */
export const JobProgressSchema = JobSchema.pick({ id: true, status: true, counts: true, concurrency: true, ratePerSec: true }).extend({
  runs: z.array(JobRunSchema.pick({ id: true, agentId: true, state: true, error: true, sentAt: true, finishedAt: true })),
});
export type JobProgress = z.infer<typeof JobProgressSchema>;
export type RunCounts = Partial<Record<RunState, number>>;

/** Statuses after which the job sends nothing more. */
const OVER_STATUSES: ReadonlySet<string> = new Set(['finished', 'cancelled', 'rejected']);

/** Over, with every run final: nothing about the job changes any more. */
export function isSettled(status: string, counts: RunCounts): boolean {
  return OVER_STATUSES.has(status) && (counts.queued ?? 0) + (counts.sent ?? 0) + (counts.running ?? 0) === 0;
}

/**
 * The messages of GET /api/v1/jobs/:id/stream (shared JobStreamMessageSchema), as far as the
 * benchmark reads them. run.updated arrives once per run change, thousands of times in a bulk
 * job; its run is not validated, since the job's counts say all the benchmark needs.
 */
export const JobStreamProgressSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job.snapshot'), job: JobSummarySchema.pick({ status: true, counts: true }) }),
  z.object({ type: z.literal('job.updated'), status: JobStatusSchema, counts: JobSummarySchema.shape.counts }),
  z.object({ type: z.literal('run.updated') }),
]);
