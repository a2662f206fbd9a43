import { z } from 'zod';
import { durationStringSchema } from './duration-string.js';
import { LabelsSchema } from '../labels.js';
import { METRIC_NAME_PATTERN } from '../metrics/catalog.js';
import { ScriptOsSchema } from './script.js';
import { EventLevelSchema } from '../sections/events.js';

export const ComparisonOpSchema = z.enum(['>', '>=', '<', '<=', '==', '!=']);
export type ComparisonOp = z.infer<typeof ComparisonOpSchema>;

export const PrioritySchema = z.enum(['P1', 'P2', 'P3', 'P4']);
export type Priority = z.infer<typeof PrioritySchema>;

const IdSchema = z.string().min(1).max(64);

/**
 * Which agents a rule (or, extended in maintenance.ts, a maintenance window) applies to; every
 * field given narrows it.
 */
export const RuleScopeSchema = z.object({
  tenant: IdSchema.optional(),
  site: IdSchema.optional(),
  /** The agent must carry every tag listed. */
  tags: z.array(IdSchema).max(32).optional(),
  os: ScriptOsSchema.optional(),
});

/**
 * A rule's scope: the shared fields plus explicit agent ids. Kept apart from RuleScopeSchema
 * because maintenance windows name theirs `agentIds` and would otherwise accept, and ignore, this.
 * An empty list is refused rather than read as "no narrowing": it is too easily a mistake.
 */
// Strict: a misspelt key (`tenat`) would otherwise be dropped and the rule cover every tenant.
export const RuleTargetScopeSchema = RuleScopeSchema.extend({
  agents: z.array(IdSchema).min(1).max(1000).optional(),
}).strict();
export type RuleScope = z.infer<typeof RuleTargetScopeSchema>;

/** Agents matching any of these are left out of the rule, whatever its scope says. */
export const RuleExcludeSchema = z
  .object({
    agents: z.array(IdSchema).max(1000).optional(),
    /** Site ids; a site id alone matches that site in every tenant the rule covers. */
    sites: z.array(IdSchema).max(1000).optional(),
    /** An agent carrying any one of these tags is left out. */
    tags: z.array(IdSchema).max(32).optional(),
  })
  .strict();
export type RuleExclude = z.infer<typeof RuleExcludeSchema>;

/**
 * Per tenant, site or agent: settings that replace the rule's for the agents matched. Every field
 * of `match` given must match; the most specific override matching an agent wins (one naming an
 * agent over one naming a site over one naming only a tenant; among equals, the later entry), and
 * what it leaves out is the rule's.
 */
export const RuleOverrideSchema = z
  .object({
    match: z
      .object({ tenant: IdSchema.optional(), site: IdSchema.optional(), agent: IdSchema.optional() })
      .strict()
      .refine((m) => m.tenant !== undefined || m.site !== undefined || m.agent !== undefined, 'must name a tenant, a site or an agent'),
    threshold: z.number().refine(Number.isFinite, 'threshold must be a finite number').optional(),
    /** null: no hysteresis for these agents even when the rule has one. */
    clearThreshold: z.number().refine(Number.isFinite, 'clearThreshold must be a finite number').nullable().optional(),
    priority: PrioritySchema.optional(),
    /** false switches the rule off for the agents matched. */
    enabled: z.boolean().optional(),
  })
  .strict();
export type RuleOverride = z.infer<typeof RuleOverrideSchema>;

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

/** A duration string ("90s", "5m", "1h30m"); "0s" turns the setting off; past a week is a typo. */
export const RuleDurationSchema = durationStringSchema({ maxDays: 7 });

const FlapThresholdSchema = z.number().min(0).max(100);

/** How a windowed rule folds a series' recent samples into the one value it compares. */
export const RuleAggregateSchema = z.enum(['avg', 'max', 'min']);
export type RuleAggregate = z.infer<typeof RuleAggregateSchema>;

/**
 * A rule's aggregation window: at most a day, since every sample inside it is kept in memory per
 * series (up to a fixed cap; see window-aggregate.ts in the collector), and never zero.
 */
export const RuleWindowSchema = durationStringSchema({ maxDays: 1, positive: true });

/** The metric of event-log match rules: the collector computes it per rule at ingest (see `events`). */
export const EVENT_MATCH_METRIC = 'event.match';
/** A longer pattern is refused: each is run against every entry of every frame it applies to. */
export const MAX_EVENT_MESSAGE_PATTERN_CHARS = 256;

/** Refuses a pattern JavaScript cannot compile, with the engine's own reason. */
function checkPattern(pattern: string, ctx: z.RefinementCtx): void {
  try {
    new RegExp(pattern);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
  }
}

/**
 * Which event-log entries an `event.match` rule counts: every criterion given must hold. The
 * rule's value is the number of matching entries written within the last `window`, so
 * `event.match >= 5` with window "10m" means "at least 5 such entries in 10 minutes".
 */
export const RuleEventsSchema = z
  .object({
    log: z.string().min(1).max(64).optional(),
    /** Minimum severity: `warning` counts errors too. */
    level: EventLevelSchema.optional(),
    source: z.string().min(1).max(256).optional(),
    /** Compared as text with the entry's eventId (a Windows event id or a journald MESSAGE_ID). */
    eventId: z.union([z.number().int().nonnegative(), z.string().min(1).max(64)]).optional(),
    /** A regular expression searched for in the message (case-sensitive unless written otherwise). */
    message: z.string().min(1).max(MAX_EVENT_MESSAGE_PATTERN_CHARS).superRefine(checkPattern).optional(),
    window: durationStringSchema({ maxDays: 1, positive: true }),
  })
  .strict();
export type RuleEvents = z.infer<typeof RuleEventsSchema>;

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
  scope: RuleTargetScopeSchema,
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
  // Rule policies: optional like the lifecycle fields, and for the same reason.
  exclude: RuleExcludeSchema.nullish(),
  overrides: z.array(RuleOverrideSchema).max(1000).nullish(),
  // Aggregation: optional for the same reason. Given together, the rule compares the aggregate of
  // each series' samples over the last `window` instead of the latest value.
  aggregate: RuleAggregateSchema.nullish(),
  window: RuleWindowSchema.nullish(),
  // Event-log matching: optional for the same reason; only with metric event.match.
  events: RuleEventsSchema.nullish(),
};

/** Whether a clear threshold lies on the right side of the threshold for the operator. */
function clearThresholdIsConsistent(r: { op?: ComparisonOp; threshold?: number; clearThreshold?: number | null }): boolean {
  if (r.clearThreshold == null || r.op === undefined || r.threshold === undefined) return true;
  if (r.op === '>' || r.op === '>=') return r.clearThreshold <= r.threshold;
  if (r.op === '<' || r.op === '<=') return r.clearThreshold >= r.threshold;
  return true;
}
const CLEAR_THRESHOLD_RULE = 'clearThreshold must not lie beyond threshold (≤ threshold for > and >=, ≥ threshold for < and <=)';
const clearThresholdMessage = { message: CLEAR_THRESHOLD_RULE, path: ['clearThreshold'] };

/**
 * Each override's effective pair (its own values, the rule's where it sets none) must be
 * consistent with the rule's operator. The issue names the field the override set: its
 * clearThreshold, or its threshold when the clear threshold is the rule's.
 */
function checkOverrideThresholds(
  r: { op?: ComparisonOp; threshold?: number; clearThreshold?: number | null; overrides?: RuleOverride[] | null },
  ctx: z.RefinementCtx,
): void {
  (r.overrides ?? []).forEach((o, i) => {
    if (o.threshold === undefined && o.clearThreshold === undefined) return;
    const inheritsClear = o.clearThreshold === undefined;
    const effective = { op: r.op, threshold: o.threshold ?? r.threshold, clearThreshold: inheritsClear ? r.clearThreshold : o.clearThreshold };
    if (clearThresholdIsConsistent(effective)) return;
    ctx.addIssue({
      code: 'custom',
      path: ['overrides', i, inheritsClear ? 'threshold' : 'clearThreshold'],
      message: inheritsClear ? `${CLEAR_THRESHOLD_RULE}; this override inherits the rule's clearThreshold, so set one here too` : CLEAR_THRESHOLD_RULE,
    });
  });
}

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

/** `aggregate` without `window` (or the reverse) has nothing to compute: the issue names the one missing. */
function checkAggregation(r: { aggregate?: RuleAggregate | null; window?: string | null }, ctx: z.RefinementCtx): void {
  if ((r.aggregate == null) === (r.window == null)) return;
  const missing = r.aggregate == null ? 'aggregate' : 'window';
  const given = missing === 'aggregate' ? 'window' : 'aggregate';
  ctx.addIssue({ code: 'custom', path: [missing], message: `${missing} is required when ${given} is set (give both or neither)` });
}

/**
 * `events` and metric `event.match` go together: the metric has no other source, and criteria on
 * another metric would be ignored. Its samples carry only the rule's own label, so no selector.
 */
function checkEvents(r: { metric?: string; labels?: Record<string, string>; events?: RuleEvents | null }, ctx: z.RefinementCtx): void {
  const isEventMetric = r.metric === EVENT_MATCH_METRIC;
  if (r.events != null && r.metric !== undefined && !isEventMetric) {
    ctx.addIssue({ code: 'custom', path: ['metric'], message: `metric must be ${EVENT_MATCH_METRIC} when events is set` });
  }
  if (r.events == null && isEventMetric) {
    ctx.addIssue({ code: 'custom', path: ['events'], message: `events is required with metric ${EVENT_MATCH_METRIC}` });
  }
  if (isEventMetric && r.labels !== undefined && Object.keys(r.labels).length > 0) {
    ctx.addIssue({ code: 'custom', path: ['labels'], message: `${EVENT_MATCH_METRIC} rules take no labels (each counts its own matches)` });
  }
}

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
  .refine(flapThresholdsAreConsistent, flapThresholdMessage)
  .superRefine(checkOverrideThresholds)
  .superRefine(checkAggregation)
  .superRefine(checkEvents);
export type RuleInput = z.infer<typeof RuleInputSchema>;

/** Body of PATCH /api/v1/rules/:id: any subset of the fields. */
export const RulePatchSchema = z.object(RuleFields).partial().strict();
export type RulePatch = z.infer<typeof RulePatchSchema>;

export const RuleSchema = z
  .object({ ...RuleFields, id: z.string(), createdAt: z.number(), updatedAt: z.number() })
  .refine(clearThresholdIsConsistent, clearThresholdMessage)
  .refine(flapThresholdsAreConsistent, flapThresholdMessage)
  .superRefine(checkOverrideThresholds)
  .superRefine(checkAggregation)
  .superRefine(checkEvents);
export type Rule = z.infer<typeof RuleSchema>;
