import { z } from 'zod';
import { LabelsSchema } from '../labels.js';
import { METRIC_NAME_PATTERN } from '../metrics/catalog.js';
import { ParamValueSchema, SignedScriptSchema } from '../signing/script-manifest.js';
import { SignedTrustSchema } from '../signing/trust.js';
import { SourceStatusSchema } from './source-status.js';
import { SpoolReportSchema } from './spool-report.js';

/** Unix epoch milliseconds. */
const EpochMs = z.number().int().nonnegative();
const Id = z.string().min(1).max(128);

export const SampleSchema = z.object({
  metric: z.string().max(128).regex(METRIC_NAME_PATTERN, 'metric names are dotted lower-case words, e.g. disk.used_pct'),
  value: z.number().refine(Number.isFinite, 'value must be a finite number'),
  labels: LabelsSchema.optional(),
});
export type Sample = z.infer<typeof SampleSchema>;

export { SourceStatusSchema, type SourceStatus } from './source-status.js';
export { SpoolReportSchema, type SpoolReport } from './spool-report.js';

// ─── agent → collector ────────────────────────────────────────────────────────

export const HelloSchema = z.object({
  type: z.literal('hello'),
  protocolVersion: z.number().int(),
  agentId: Id,
  agentVersion: z.string().max(64),
  /** Echo of the challenge nonce, signed with the agent's Ed25519 key (see identity.ts). */
  nonce: z.string().min(16).max(128),
  signature: z.string().min(1).max(512),
  /** How often this agent sends a frame; the collector presumes it offline after a few missed intervals. */
  intervalSec: z.number().positive().max(86_400).optional(),
  /** The version of the trust document the agent pins (0: none); the collector sends a newer one after welcome. */
  trustVersion: z.number().int().nonnegative().optional(),
});

export const FrameSchema = z.object({
  type: z.literal('frame'),
  /** Per-agent, strictly increasing; the collector stores each (agent, seq) once. */
  seq: z.number().int().positive(),
  ts: EpochMs,
  samples: z.array(SampleSchema).max(5000),
  sources: z.array(SourceStatusSchema).max(64).default([]),
  /** Richer data served by the API as it came (inventory, patch lists, event entries, SMART). */
  sections: z.record(z.string().max(64), z.unknown()).optional(),
  /**
   * The agent's spool when this frame was sent (not when it was made): frames spooled during an
   * outage go out after it with the drops it caused. Optional: agents from before it omit it.
   */
  spool: SpoolReportSchema.optional(),
});
export type Frame = z.infer<typeof FrameSchema>;

export const JobStartedSchema = z.object({
  type: z.literal('job.started'),
  runId: Id,
  ts: EpochMs,
});

export const RunOutcomeSchema = z.enum(['succeeded', 'failed', 'timed_out', 'rejected', 'error']);
export type RunOutcome = z.infer<typeof RunOutcomeSchema>;

export const JobResultSchema = z.object({
  type: z.literal('job.result'),
  runId: Id,
  status: RunOutcomeSchema,
  exitCode: z.number().int().nullable(),
  signal: z.string().max(32).nullable(),
  stdout: z.string(),
  stderr: z.string(),
  stdoutTruncated: z.boolean(),
  stderrTruncated: z.boolean(),
  startedAt: EpochMs,
  durationMs: z.number().nonnegative(),
  /** Why the agent did not run it, or why the run failed before the script started. */
  error: z.string().max(2000).optional(),
});
export type JobResult = z.infer<typeof JobResultSchema>;

/** The most a job.output chunk carries, in UTF-8 bytes; agents send more output as more chunks. */
export const JOB_OUTPUT_CHUNK_MAX_BYTES = 16 * 1024;

/**
 * What a running script printed since the agent's last chunk of that stream, for whoever watches
 * the run live. Best effort: sent only while connected (never spooled), so a watcher may miss
 * chunks, and a gap shows as an offset that does not continue what came before. The run's
 * job.result still carries the whole captured output and is what counts.
 */
export const JobOutputSchema = z.object({
  type: z.literal('job.output'),
  runId: Id,
  stream: z.enum(['stdout', 'stderr']),
  /** UTF-8 bytes of this stream the agent sent before this chunk. */
  offset: z.number().int().nonnegative(),
  data: z.string().min(1).max(JOB_OUTPUT_CHUNK_MAX_BYTES)
    .refine((data) => utf8ByteLength(data) <= JOB_OUTPUT_CHUNK_MAX_BYTES, `a chunk carries at most ${JOB_OUTPUT_CHUNK_MAX_BYTES} bytes`),
});
export type JobOutputMessage = z.infer<typeof JobOutputSchema>;
export type OutputStream = JobOutputMessage['stream'];

/** Bytes of `text` in UTF-8, without encoding it (lone surrogates count as the 3-byte U+FFFD they become). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export const HeartbeatSchema = z.object({ type: z.literal('heartbeat'), ts: EpochMs });

export const AgentMessageSchema = z.discriminatedUnion('type', [
  HelloSchema,
  FrameSchema,
  JobStartedSchema,
  JobResultSchema,
  JobOutputSchema,
  HeartbeatSchema,
]);
export type AgentMessage = z.infer<typeof AgentMessageSchema>;
export type HelloMessage = z.infer<typeof HelloSchema>;
export type JobStartedMessage = z.infer<typeof JobStartedSchema>;
export type JobResultMessage = JobResult;
export type HeartbeatMessage = z.infer<typeof HeartbeatSchema>;
export type FrameMessage = Frame;

// ─── collector → agent ────────────────────────────────────────────────────────

export const ChallengeSchema = z.object({
  type: z.literal('challenge'),
  protocolVersion: z.number().int(),
  nonce: z.string().min(16).max(128),
});

export const WelcomeSchema = z.object({
  type: z.literal('welcome'),
  agentId: Id,
  /** Highest seq the collector has stored for this agent: the agent continues after it. */
  lastSeq: z.number().int().nonnegative(),
  serverTime: EpochMs,
  heartbeatSec: z.number().int().positive(),
  /**
   * The collector takes job.output (live script output). Agents send it only then: a collector
   * from before it closes the connection on a message type it does not know.
   */
  liveOutput: z.boolean().optional(),
});

export const AckSchema = z.object({ type: z.literal('ack'), seq: z.number().int().positive() });

/**
 * Run a script. The agent runs it only if the signature verifies against a key it pins, the
 * dispatch is addressed to it and not expired, and the parameter values pass the declared types;
 * otherwise it answers job.result `rejected` with the reason.
 */
export const JobDispatchSchema = z.object({
  type: z.literal('job.dispatch'),
  jobId: Id,
  runId: Id,
  agentId: Id,
  /** After this instant (Unix ms) the agent refuses the dispatch: a captured one cannot be replayed later. */
  expiresAt: EpochMs,
  script: SignedScriptSchema,
  params: z.record(z.string().max(64), ParamValueSchema).default({}),
});

/** Stop a run: the agent kills the script (and what it started) and answers job.result `failed`. */
export const JobCancelSchema = z.object({ type: z.literal('job.cancel'), runId: Id });

/** A newer trust document; the agent pins it only if a key it already pins signed it. */
export const TrustUpdateSchema = z.object({ type: z.literal('trust.update'), trust: SignedTrustSchema });

export const ErrorMessageSchema = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
});

export const CollectorMessageSchema = z.discriminatedUnion('type', [
  ChallengeSchema,
  WelcomeSchema,
  AckSchema,
  JobDispatchSchema,
  JobCancelSchema,
  TrustUpdateSchema,
  HeartbeatSchema,
  ErrorMessageSchema,
]);
export type CollectorMessage = z.infer<typeof CollectorMessageSchema>;
export type ChallengeMessage = z.infer<typeof ChallengeSchema>;
export type WelcomeMessage = z.infer<typeof WelcomeSchema>;
export type AckMessage = z.infer<typeof AckSchema>;
export type JobDispatchMessage = z.infer<typeof JobDispatchSchema>;
export type JobCancelMessage = z.infer<typeof JobCancelSchema>;
export type TrustUpdateMessage = z.infer<typeof TrustUpdateSchema>;

/** Render a zod error as one line that names the offending fields. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
