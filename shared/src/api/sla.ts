import { z } from 'zod';
import { durationStringSchema } from './duration-string.js';
import { parseDuration } from '../duration.js';
import { PrioritySchema, type Priority } from './rule.js';

/** A positive duration ("15m", "4h", "1h30m"); targets past a year are a typo, not a service level. */
export const SlaDurationSchema = durationStringSchema({ maxDays: 366, positive: true });

/** An escalation level: 1 (first line) to 4. */
export const EscalationLevelSchema = z.number().int().min(1).max(4);
export type EscalationLevel = z.infer<typeof EscalationLevelSchema>;

/** The levels above the first, which an alert reaches by elapsed time. */
export const ESCALATION_STEPS = ['L2', 'L3', 'L4'] as const;
export type EscalationStep = (typeof ESCALATION_STEPS)[number];

/**
 * Response and resolution targets of one priority (from the alert's opening, or from its release
 * out of a maintenance window), and when its alerts reach L2, L3 and L4 if still unresolved.
 */
export const SlaPriorityPolicySchema = z.object({
  respond: SlaDurationSchema,
  resolve: SlaDurationSchema,
  escalateAfter: z.object({ L2: SlaDurationSchema, L3: SlaDurationSchema, L4: SlaDurationSchema }).strict(),
}).strict();
export type SlaPriorityPolicy = z.infer<typeof SlaPriorityPolicySchema>;

const PriorityPolicies = z.object({ P1: SlaPriorityPolicySchema, P2: SlaPriorityPolicySchema, P3: SlaPriorityPolicySchema, P4: SlaPriorityPolicySchema }).strict();

/** On a breach an alert rises at least to this level (1: the breach alone does not escalate). */
export const EscalateOnBreachSchema = z.object({ respond: EscalationLevelSchema, resolve: EscalationLevelSchema }).strict();

/**
 * A tenant's effective SLA policy: every field set. Within a priority the response target may not
 * exceed the resolution target, and L2, L3, L4 come in that order (equal instants are allowed: the
 * alert then jumps levels at once).
 */
export const SlaPolicySchema = z.object({
  priorities: PriorityPolicies,
  escalateOnBreach: EscalateOnBreachSchema,
}).strict().superRefine((policy, ctx) => {
  for (const priority of PrioritySchema.options) {
    const p = policy.priorities[priority];
    const ms = (text: string): number | null => { try { return parseDuration(text); } catch { return null; } };
    const respond = ms(p.respond);
    const resolve = ms(p.resolve);
    if (respond !== null && resolve !== null && respond > resolve) {
      ctx.addIssue({ code: 'custom', path: ['priorities', priority, 'respond'], message: `must not exceed the resolution target (${p.resolve})` });
    }
    for (const [earlier, later] of [['L2', 'L3'], ['L3', 'L4']] as const) {
      const a = ms(p.escalateAfter[earlier]);
      const b = ms(p.escalateAfter[later]);
      if (a !== null && b !== null && b < a) {
        ctx.addIssue({ code: 'custom', path: ['priorities', priority, 'escalateAfter', later], message: `must not come before ${earlier} (${p.escalateAfter[earlier]})` });
      }
    }
  }
});
export type SlaPolicy = z.infer<typeof SlaPolicySchema>;

const PriorityOverride = z.object({
  respond: SlaDurationSchema.optional(),
  resolve: SlaDurationSchema.optional(),
  escalateAfter: z.object({ L2: SlaDurationSchema.optional(), L3: SlaDurationSchema.optional(), L4: SlaDurationSchema.optional() }).strict().optional(),
}).strict();

/**
 * Body of PUT /api/v1/tenants/:id/sla-policy: the tenant's overrides, replacing any earlier ones
 * (`{}` returns to the defaults). Whatever is left out takes its default; escalation steps left out
 * follow the priority's effective resolution target (see DEFAULT_ESCALATION_FRACTIONS).
 */
export const SlaPolicyInputSchema = z.object({
  priorities: z.object({ P1: PriorityOverride.optional(), P2: PriorityOverride.optional(), P3: PriorityOverride.optional(), P4: PriorityOverride.optional() }).strict().optional(),
  escalateOnBreach: z.object({ respond: EscalationLevelSchema.optional(), resolve: EscalationLevelSchema.optional() }).strict().optional(),
}).strict();
export type SlaPolicyInput = z.infer<typeof SlaPolicyInputSchema>;

/** GET and PUT /api/v1/tenants/:id/sla-policy answer with this. */
export const TenantSlaPolicySchema = z.object({
  tenantId: z.string(),
  /** The defaults merged with the tenant's overrides: what its alerts are measured against. */
  policy: SlaPolicySchema,
  /** What the tenant set; empty when it uses the defaults. */
  overrides: SlaPolicyInputSchema,
  /** When the overrides were last set; null when never. */
  updatedAt: z.number().nullable(),
});
export type TenantSlaPolicy = z.infer<typeof TenantSlaPolicySchema>;

/** The default response and resolution targets per priority. */
export const DEFAULT_SLA_TARGETS: Readonly<Record<Priority, { respond: string; resolve: string }>> = {
  P1: { respond: '15m', resolve: '4h' },
  P2: { respond: '30m', resolve: '8h' },
  P3: { respond: '2h', resolve: '24h' },
  P4: { respond: '4h', resolve: '72h' },
};

/**
 * Default escalation steps, as fractions of the priority's resolution target: L2 at half of it, L3
 * at three quarters, L4 when it runs out. L2 is not tied to the response target: an unanswered
 * alert already reaches L2 there through its respond breach, and an answered one is being worked
 * on and needs the second line only once half the time to fix it has gone.
 */
export const DEFAULT_ESCALATION_FRACTIONS: Readonly<Record<EscalationStep, number>> = { L2: 0.5, L3: 0.75, L4: 1 };

/** A missed response brings in L2, a missed resolution L3 (L4 follows by time, see above). */
export const DEFAULT_ESCALATE_ON_BREACH: Readonly<{ respond: EscalationLevel; resolve: EscalationLevel }> = { respond: 2, resolve: 3 };
