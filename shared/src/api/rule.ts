import { z } from 'zod';
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
  .refine(clearThresholdIsConsistent, clearThresholdMessage);
export type RuleInput = z.infer<typeof RuleInputSchema>;

/** Body of PATCH /api/v1/rules/:id: any subset of the fields. */
export const RulePatchSchema = z.object(RuleFields).partial().strict();
export type RulePatch = z.infer<typeof RulePatchSchema>;

export const RuleSchema = z
  .object({ ...RuleFields, id: z.string(), createdAt: z.number(), updatedAt: z.number() })
  .refine(clearThresholdIsConsistent, clearThresholdMessage);
export type Rule = z.infer<typeof RuleSchema>;
