import { z } from 'zod';
import { JobResultSchema } from '../protocol/messages.js';
import { SignatureSchema } from '../signing/signing-keys.js';
import { TrustDocumentSchema } from '../signing/trust.js';

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
  /**
   * How the agent authenticates the collector over https/wss, fixed at enrollment: a CA bundle
   * (PEM, kept in the state dir as ca.pem) and/or a pinned SHA-256 fingerprint of the collector's
   * certificate. Without either, the system's trusted CAs apply.
   */
  tls: z
    .object({
      caFile: z.string().optional(),
      /** Uppercase hex pairs separated by colons, as `openssl x509 -fingerprint -sha256` prints. */
      fingerprint256: z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/).optional(),
    })
    .optional(),
  /** Plain http/ws was allowed explicitly at enrollment (loopback demos and tests); warned on every connect. */
  allowPlaintext: z.boolean().optional(),
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
  /** Frames held for (re)sending (the spool depth), and frames dropped because the spool was full. */
  unacked: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
  /** Bytes the spool holds on disk, and its cap (0 for an in-memory queue). */
  spoolBytes: z.number().int().nonnegative().default(0),
  spoolMaxBytes: z.number().int().nonnegative().default(0),
  /** Finished script results waiting for a connection. */
  pendingResults: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  /** The last trust document the collector sent that the agent refused to pin, and why (it keeps its pin). */
  lastTrustRefusal: z.object({ at: z.string(), version: z.number().int(), reason: z.string() }).nullable().default(null),
});
export type AgentRuntimeStatus = z.infer<typeof AgentRuntimeStatusSchema>;

/**
 * `trust.json`: the script-signing keys this agent pins. Version 0 is a key an administrator pinned
 * by hand at enrollment (`vigil-agent enroll --trust-key`): nobody signed it, and a tenant's trust
 * document replaces it only if signed by that key. Later versions are the tenant's documents as
 * signed, each accepted only if a key of the one before signed it.
 */
export const AgentTrustFileSchema = z.object({
  document: TrustDocumentSchema.extend({ version: z.number().int().min(0) }),
  signature: SignatureSchema.nullable(),
  /** How it was pinned: by hand at enrollment, from the enrollment answer, or by a later trust.update. */
  source: z.enum(['local', 'enrollment', 'collector']),
  /** ISO 8601. */
  pinnedAt: z.string(),
}).refine((f) => (f.document.version === 0) === (f.signature === null), { message: 'version 0 (a local pin) and only it is unsigned', path: ['signature'] });
export type AgentTrustFile = z.infer<typeof AgentTrustFileSchema>;

/**
 * `runs.jsonl`: the run ids the agent has seen, one line per event: `seen` is written (and synced)
 * before a script starts, `done` when its result is known. A dispatch repeated later, a restart
 * in between included, is answered from here instead of running again.
 */
export const RunLedgerLineSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('seen'), runId: z.string(), jobId: z.string(), at: z.number() }),
  z.object({ t: z.literal('done'), runId: z.string(), result: JobResultSchema }),
]);
export type RunLedgerLine = z.infer<typeof RunLedgerLineSchema>;
