import { z } from 'zod';
import { RuleScopeSchema } from './rule.js';

/**
 * Maintenance windows: planned work during which the alerts of the agents in scope are recorded
 * but neither notified nor remediated, their SLA clocks paused; what is still broken when the
 * window ends fires then. A window is one-off (startsAt–endsAt) or recurring (a cron expression
 * in a time zone, each occurrence lasting durationMinutes of elapsed time).
 */

/** A month of planned work is a project, not a maintenance window. */
export const MAX_MAINTENANCE_MINUTES = 31 * 24 * 60;

/** Which agents a window covers: like a rule's scope, plus explicit agents. Every field given narrows it. */
export const MaintenanceScopeSchema = RuleScopeSchema.extend({
  /** Only these agents. */
  agentIds: z.array(z.string().min(1).max(64)).min(1).max(1000).optional(),
}).strict();
export type MaintenanceScope = z.infer<typeof MaintenanceScopeSchema>;

const isoWithZone = z.iso.datetime({ offset: true });

/** An instant: epoch milliseconds, or an ISO 8601 date-time that says its offset (…Z or …+02:00). */
export const WindowInstantSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value : isoWithZone.safeParse(value).success ? Date.parse(value) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < 0) {
    ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 date-time with an offset, e.g. 2026-03-29T02:00:00+02:00' });
    return z.NEVER;
  }
  return ms;
});

/** Whether the runtime's time-zone database knows the name (the one cron-parser's luxon uses too). */
export function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z.string().trim().min(1).max(64)
  .refine(isKnownTimeZone, 'unknown time zone: use an IANA name such as Europe/Berlin or UTC');

const CRON_ALIASES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly']);
const CRON_FIELD = /^[0-9A-Za-z*?,/#-]+$/;

/**
 * The shape of a five-field cron expression (minute hour day-of-month month day-of-week). Values
 * and ranges are checked by the collector, which owns the cron parser.
 */
export const WindowCronSchema = z.string().trim().min(1).max(128).superRefine((text, ctx) => {
  if (CRON_ALIASES.has(text.toLowerCase())) return;
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    ctx.addIssue({ code: 'custom', message: `must have 5 fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * SUN"; got ${fields.length}` });
    return;
  }
  const bad = fields.find((field) => !CRON_FIELD.test(field));
  if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `"${bad}" is not a cron field` });
});

const Fields = {
  name: z.string().trim().min(1).max(200),
  scope: MaintenanceScopeSchema,
  startsAt: WindowInstantSchema,
  endsAt: WindowInstantSchema,
  cron: WindowCronSchema,
  durationMinutes: z.number().int().min(1).max(MAX_MAINTENANCE_MINUTES),
  timezone: TimeZoneSchema,
};
const ONE_OFF_FIELDS = ['startsAt', 'endsAt'] as const;
const RECURRING_FIELDS = ['cron', 'durationMinutes', 'timezone'] as const;
export const MAINTENANCE_SCHEDULE_FIELDS = { once: ONE_OFF_FIELDS, recurring: RECURRING_FIELDS } as const;

const OneOffFields = { kind: z.literal('once'), startsAt: z.number(), endsAt: z.number() };
const RecurringFields = { kind: z.literal('recurring'), cron: z.string(), durationMinutes: z.number().int(), timezone: z.string() };
const StoredFields = { id: z.string(), name: Fields.name, scope: MaintenanceScopeSchema, createdAt: z.number(), updatedAt: z.number() };

/** A stored window, as the API shows it. */
export const MaintenanceWindowSchema = z.discriminatedUnion('kind', [
  z.object({ ...StoredFields, ...OneOffFields }),
  z.object({ ...StoredFields, ...RecurringFields }),
]);
export type MaintenanceWindow = z.infer<typeof MaintenanceWindowSchema>;
export type OneOffWindow = Extract<MaintenanceWindow, { kind: 'once' }>;
export type RecurringWindow = Extract<MaintenanceWindow, { kind: 'recurring' }>;

type RawInput = { [K in keyof typeof Fields]?: z.output<(typeof Fields)[K]> };

/** Either all one-off fields or all recurring fields, never a mix; a one-off window ends after it starts. */
function checkSchedule(input: RawInput, ctx: z.RefinementCtx): void {
  const oneOff = ONE_OFF_FIELDS.some((f) => input[f] !== undefined);
  const recurring = RECURRING_FIELDS.some((f) => input[f] !== undefined);
  if (oneOff && recurring) {
    ctx.addIssue({ code: 'custom', path: ['cron'], message: 'a window is one-off (startsAt, endsAt) or recurring (cron, durationMinutes, timezone), not both' });
    return;
  }
  if (!oneOff && !recurring) {
    ctx.addIssue({ code: 'custom', path: ['startsAt'], message: 'required: startsAt and endsAt for a one-off window, or cron, durationMinutes and timezone for a recurring one' });
    return;
  }
  const needed = oneOff ? ONE_OFF_FIELDS : RECURRING_FIELDS;
  for (const field of needed) {
    if (input[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required for a ${oneOff ? 'one-off' : 'recurring'} window` });
  }
  if (input.startsAt !== undefined && input.endsAt !== undefined && input.endsAt <= input.startsAt) {
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  }
}

/**
 * Body of POST /api/v1/maintenance-windows:
 * `{ name, scope, startsAt, endsAt }` or `{ name, scope, cron: "0 2 * * SUN", durationMinutes, timezone: "Europe/Berlin" }`.
 */
export const MaintenanceWindowInputSchema = z
  .object({
    name: Fields.name,
    scope: Fields.scope.default({}),
    startsAt: Fields.startsAt.optional(),
    endsAt: Fields.endsAt.optional(),
    cron: Fields.cron.optional(),
    durationMinutes: Fields.durationMinutes.optional(),
    timezone: Fields.timezone.optional(),
  })
  .strict()
  .superRefine(checkSchedule)
  .transform((input) => {
    const common = { name: input.name, scope: input.scope };
    return input.cron !== undefined
      ? { ...common, kind: 'recurring' as const, cron: input.cron, durationMinutes: input.durationMinutes!, timezone: input.timezone! }
      : { ...common, kind: 'once' as const, startsAt: input.startsAt!, endsAt: input.endsAt! };
  });
export type MaintenanceWindowInput = z.output<typeof MaintenanceWindowInputSchema>;

/**
 * Body of PATCH /api/v1/maintenance-windows/:id: any subset of the input's fields. Schedule fields
 * of the window's own kind are merged over it (e.g. endsAt alone shortens a one-off window); a
 * schedule of the other kind replaces it and must then be complete.
 */
export const MaintenanceWindowPatchSchema = z.object(Fields).partial().strict();
export type MaintenanceWindowPatch = z.output<typeof MaintenanceWindowPatchSchema>;

/** One occurrence of a window: from startsAt (inclusive) to endsAt (exclusive). */
export const WindowOccurrenceSchema = z.object({ startsAt: z.number(), endsAt: z.number() });
export type WindowOccurrence = z.infer<typeof WindowOccurrenceSchema>;

/** What the API answers for a window: the window, and its occurrence in progress or else its next one (null: none left). */
export const MaintenanceWindowViewSchema = z.intersection(MaintenanceWindowSchema, z.object({ occurrence: WindowOccurrenceSchema.nullable() }));
export type MaintenanceWindowView = z.infer<typeof MaintenanceWindowViewSchema>;
