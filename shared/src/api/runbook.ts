import { z } from 'zod';
import { ParamValueSchema } from '../signing/script-manifest.js';
import { durationStringSchema } from './duration-string.js';
import { SlugSchema } from './slug.js';

/** One step: a script (a pinned version, or the latest), its parameter values, and what a failure does. */
export const RunbookStepSchema = z.object({
  scriptId: z.string().min(1),
  version: z.number().int().min(1).optional(),
  params: z.record(z.string().max(64), ParamValueSchema).default({}),
  /** How long the step may take, the agent's run included, before it counts as failed. */
  timeout: durationStringSchema({ maxDays: 1, positive: true }).default('5m'),
  /** stop: the runbook fails here (and the alert escalates); continue: go on to the next step. */
  onFailure: z.enum(['stop', 'continue']).default('stop'),
}).strict();
export type RunbookStep = z.infer<typeof RunbookStepSchema>;

/**
 * After the steps: wait for telemetry the agent sent after the last step finished, then resolve
 * the alert if its condition cleared, or escalate it with the runbook's output attached.
 */
export const RunbookVerifySchema = z.object({
  /** How long to wait for fresh telemetry that clears the condition. */
  within: durationStringSchema({ maxDays: 1, positive: true }).default('2m'),
}).strict();
export type RunbookVerify = z.infer<typeof RunbookVerifySchema>;

// Without defaults, so that a PATCH changes only what it names (zod applies defaults inside partial()).
const RunbookSettings = {
  name: z.string().trim().min(1).max(200),
  /** Automatic runs allowed per alert and per agent within any hour: remediation can never loop. */
  maxRunsPerAlertPerHour: z.number().int().min(1).max(60),
  maxRunsPerAgentPerHour: z.number().int().min(1).max(60),
  /** Change control: each run waits for an approver before its first step is dispatched. */
  requiresApproval: z.boolean(),
};
const RunbookSteps = z.array(RunbookStepSchema).min(1).max(10);
/** Unsigned scripts only: fixed arguments replacing the script's (the one-script shape before steps). */
const RunbookArgs = z.array(z.string().max(4096)).max(64);

const RunbookFields = {
  ...RunbookSettings,
  /** The tenant whose runbook this is; absent: MSP-wide. Its scripts must be this tenant's or MSP-wide. */
  tenant: SlugSchema.optional(),
  maxRunsPerAlertPerHour: RunbookSettings.maxRunsPerAlertPerHour.default(1),
  maxRunsPerAgentPerHour: RunbookSettings.maxRunsPerAgentPerHour.default(3),
  requiresApproval: RunbookSettings.requiresApproval.default(false),
};

/** Body of POST /api/v1/runbooks: ordered steps and a verify stage. */
export const RunbookStepsInputSchema = z.object({
  ...RunbookFields,
  steps: RunbookSteps,
  verify: RunbookVerifySchema.default({ within: '2m' }),
}).strict();

/** The shape before steps existed: one script with its arguments (unsigned scripts only); stored as one step. */
export const LegacyRunbookInputSchema = z.object({
  ...RunbookFields,
  scriptId: z.string().min(1),
  args: RunbookArgs.optional(),
}).strict();

/** Either shape; the API parses with the one the body's keys name (`steps` or not), so that errors name fields. */
export const RunbookInputSchema = z.union([RunbookStepsInputSchema, LegacyRunbookInputSchema]);
export type RunbookInput = z.infer<typeof RunbookInputSchema>;

/** Body of PATCH /api/v1/runbooks/:id: what it names changes; the tenant does not move. */
export const RunbookPatchSchema = z.object({
  ...RunbookSettings,
  steps: RunbookSteps,
  verify: RunbookVerifySchema,
  /** null: no fixed arguments any more. */
  args: RunbookArgs.nullable(),
}).partial().strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'name at least one field to change' });
export type RunbookPatch = z.infer<typeof RunbookPatchSchema>;

export const RunbookSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Null: MSP-wide. */
  tenantId: z.string().nullable(),
  steps: z.array(RunbookStepSchema),
  verify: RunbookVerifySchema,
  /** Unsigned scripts only: fixed arguments of a one-step runbook written in the older shape. */
  args: z.array(z.string()).nullable(),
  maxRunsPerAlertPerHour: z.number(),
  maxRunsPerAgentPerHour: z.number(),
  requiresApproval: z.boolean(),
  createdAt: z.number(),
});
export type Runbook = z.infer<typeof RunbookSchema>;

/**
 * One automatic execution of a runbook for an alert:
 * (awaiting_approval →) running, step by step (a step whose job waits for an approver waits in
 * awaiting_approval) → verifying → resolved | escalated. A failed step with onFailure stop, or a
 * verify stage that sees no fresh telemetry clearing the condition in time → escalated.
 * rejected: an approver turned a step's job down. capped: refused by the hourly limits (or because
 * a run for the alert is already under way), never run.
 */
export const RunbookRunStateSchema = z.enum(['awaiting_approval', 'running', 'verifying', 'resolved', 'escalated', 'capped', 'rejected']);
export type RunbookRunState = z.infer<typeof RunbookRunStateSchema>;
export const FINAL_RUNBOOK_RUN_STATES: readonly RunbookRunState[] = ['resolved', 'escalated', 'capped', 'rejected'];

export const RunbookRunSchema = z.object({
  id: z.string(),
  runbookId: z.string(),
  /** As it was when the run started (the run follows the runbook as it was then). */
  runbookName: z.string(),
  alertId: z.string(),
  agentId: z.string(),
  tenantId: z.string(),
  state: RunbookRunStateSchema,
  /** The step under way (0-based), or the last one run. */
  stepIndex: z.number(),
  /** The jobs of the steps started so far, in step order (a step whose job could not be made has none). */
  jobIds: z.array(z.string()),
  /** Why it ended as it did: "condition cleared after step 1", "step 2 failed: exit code 3", "capped: 1 run per alert per hour". */
  outcome: z.string().nullable(),
  /** The steps' output, capped at 16 KiB: what an escalation carries to whoever picks it up. */
  output: z.string(),
  startedAt: z.number(),
  /** When the current step (or the verify stage) began: its timeout counts from here. Null while awaiting approval or once finished. */
  stageStartedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
});
export type RunbookRun = z.infer<typeof RunbookRunSchema>;

/** Query of GET /api/v1/runbook-runs. */
export const RunbookRunQuerySchema = z.object({
  alertId: z.string().min(1).optional(),
  agentId: z.string().min(1).optional(),
  runbookId: z.string().min(1).optional(),
  state: RunbookRunStateSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type RunbookRunQuery = z.infer<typeof RunbookRunQuerySchema>;

/**
 * What the alert shows of its latest runbook run: enough for whoever picks up an escalation to
 * see what was tried and how it ended; the run (GET /api/v1/runbook-runs/:id) has all the output.
 */
export const AlertRemediationSchema = z.object({
  runbookRunId: z.string(),
  runbookId: z.string(),
  runbookName: z.string(),
  state: RunbookRunStateSchema,
  outcome: z.string().nullable(),
  /** The end of the steps' output, at most 2 KiB. */
  output: z.string(),
  at: z.number(),
});
export type AlertRemediation = z.infer<typeof AlertRemediationSchema>;
