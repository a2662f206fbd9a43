import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { LabelsSchema } from '../labels.js';
import { METRIC_NAME_PATTERN } from '../metrics/catalog.js';
import { ScriptOsSchema } from './script.js';

export const ComparisonOpSchema = z.enum(['>', '>=', '<', '<=', '==', '!=']);
export type ComparisonOp = z.infer<typeof ComparisonOpSchema>;

export const PrioritySchema = z.enum(['P1', 'P2', 'P3', 'P4']);
export type Priority = z.infer<typeof PrioritySchema>;

/** Which agents a rule applies to; every field given narrows it. */
export const RuleScopeSchema = z.object({
  tenant: z.string().min(1).max(64).optional(),
  site: z.string().min(1).max(64).optional(),
  /** The agent must carry every tag listed. */
  tags: z.array(z.string().min(1).max(64)).max(32).optional(),
  os: ScriptOsSchema.optional(),
});
export type RuleScope = z.infer<typeof RuleScopeSchema>;

/**
 * What a rule's optional lifecycle fields mean when left out (or null): the one place these
 * defaults live. `for` and `holdFor` default to nothing (open at forSamples, resolve at once).
 */
export const RULE_LIFECYCLE_DEFAULTS = {
  /** A series breaching again this soon after its alert was resolved re-opens that alert. */
  reopenWithin: '15m',
  /** Percent of weighted state changes over the recent evaluations: start flapping above this... */
  flapHighThreshold: 50,
  /** ...and stop flapping below this. */
  flapLowThreshold: 25,
} as const;

/** Longer than a week is a typo, not a lifecycle setting. */
const MAX_RULE_DURATION_MS = 7 * 86_400_000;

/** A duration string as in duration.ts ("90s", "5m", "1h30m"); "0s" turns the setting off. */
export const RuleDurationSchema = z.string().trim().min(1).max(32).superRefine((text, ctx) => {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return;
  }
  if (ms > MAX_RULE_DURATION_MS) ctx.addIssue({ code: 'custom', message: 'must be at most 7d' });
});

const FlapThresholdSchema = z.number().min(0).max(100);

const RuleFields = {
  name: z.string().trim().min(1).max(200),
  metric: z.string().max(128).regex(METRIC_NAME_PATTERN, 'metric names are dotted lower-case words, e.g. disk.used_pct'),
  labels: LabelsSchema,
  op: ComparisonOpSchema,
  threshold: z.number().refine(Number.isFinite, 'threshold must be a finite number'),
  /** Hysteresis: an open alert resolves only once the value crosses back over this. */
  clearThreshold: z.number().refine(Number.isFinite, 'clearThreshold must be a finite number').nullable(),
  forSamples: z.number().int().min(1).max(1000),
  priority: PrioritySchema,
  scope: RuleScopeSchema,
  runbookId: z.string().min(1).max(64).nullable(),
  enabled: z.boolean(),
  // The lifecycle fields are optional everywhere (absent and null mean the default), so rules
  // written before they existed stay valid as they are.
  /** The condition must hold continuously this long before the alert opens (with forSamples: both). */
  for: RuleDurationSchema.nullish(),
  /** Once clear, an open alert stays open until the value has stayed clear this long. */
  holdFor: RuleDurationSchema.nullish(),
  /** A breach this soon after the series' alert was resolved re-opens that alert; "0s" never does. */
  reopenWithin: RuleDurationSchema.nullish(),
  /** Flapping thresholds in percent of weighted state changes; see RULE_LIFECYCLE_DEFAULTS. */
  flapHighThreshold: FlapThresholdSchema.nullish(),
  flapLowThreshold: FlapThresholdSchema.nullish(),
};

/** Whether a clear threshold lies on the right side of the threshold for the operator. */
function clearThresholdIsConsistent(r: { op?: ComparisonOp; threshold?: number; clearThreshold?: number | null }): boolean {
  if (r.clearThreshold == null || r.op === undefined || r.threshold === undefined) return true;
  if (r.op === '>' || r.op === '>=') return r.clearThreshold <= r.threshold;
  if (r.op === '<' || r.op === '<=') return r.clearThreshold >= r.threshold;
  return true;
}
const clearThresholdMessage = {
  message: 'clearThreshold must not lie beyond threshold (≤ threshold for > and >=, ≥ threshold for < and <=)',
  path: ['clearThreshold'],
};

/** Flapping must be able to stop once started: the low threshold may not exceed the high one (defaults included). */
function flapThresholdsAreConsistent(r: { flapHighThreshold?: number | null; flapLowThreshold?: number | null }): boolean {
  const high = r.flapHighThreshold ?? RULE_LIFECYCLE_DEFAULTS.flapHighThreshold;
  const low = r.flapLowThreshold ?? RULE_LIFECYCLE_DEFAULTS.flapLowThreshold;
  return low <= high;
}
const flapThresholdMessage = {
  message: `flapLowThreshold must not exceed flapHighThreshold (defaults ${RULE_LIFECYCLE_DEFAULTS.flapLowThreshold} and ${RULE_LIFECYCLE_DEFAULTS.flapHighThreshold})`,
  path: ['flapLowThreshold'],
};

/** Body of POST /api/v1/rules. */
export const RuleInputSchema = z
  .object({
    ...RuleFields,
    labels: RuleFields.labels.default({}),
    clearThreshold: RuleFields.clearThreshold.default(null),
    forSamples: RuleFields.forSamples.default(1),
    priority: RuleFields.priority.default('P3'),
    scope: RuleFields.scope.default({}),
    runbookId: RuleFields.runbookId.default(null),
    enabled: RuleFields.enabled.default(true),
  })
  .strict()
  .refine(clearThresholdIsConsistent, clearThresholdMessage)
  .refine(flapThresholdsAreConsistent, flapThresholdMessage);
export type RuleInput = z.infer<typeof RuleInputSchema>;

/** Body of PATCH /api/v1/rules/:id: any subset of the fields. */
export const RulePatchSchema = z.object(RuleFields).partial().strict();
export type RulePatch = z.infer<typeof RulePatchSchema>;

export const RuleSchema = z
  .object({ ...RuleFields, id: z.string(), createdAt: z.number(), updatedAt: z.number() })
  .refine(clearThresholdIsConsistent, clearThresholdMessage)
  .refine(flapThresholdsAreConsistent, flapThresholdMessage);
export type Rule = z.infer<typeof RuleSchema>;
