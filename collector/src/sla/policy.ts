import {
  DEFAULT_ESCALATE_ON_BREACH, DEFAULT_ESCALATION_FRACTIONS, DEFAULT_SLA_TARGETS, ESCALATION_STEPS, PrioritySchema, parseDuration,
  type EscalationLevel, type Priority, type SlaPolicy, type SlaPolicyInput, type SlaPriorityPolicy,
} from '@vigil/shared';

/** One priority's policy in milliseconds, as the clock computes with it. */
export interface CompiledPriorityPolicy {
  respondMs: number;
  resolveMs: number;
  /** Elapsed time since the clock started at which L2, L3 and L4 are reached. */
  stepMs: Readonly<Record<2 | 3 | 4, number>>;
}

export interface CompiledSlaPolicy {
  priorities: Readonly<Record<Priority, CompiledPriorityPolicy>>;
  escalateOnBreach: Readonly<{ respond: EscalationLevel; resolve: EscalationLevel }>;
  /**
   * When the policy took effect (0 for the defaults). An escalation step that a change of policy
   * moves into the past is reached when the change was made, never before it.
   */
  effectiveFrom: number;
}

/**
 * Exact and canonical: "90m" reads back as "1h30m". Hours are the largest unit ("72h", not "3d"),
 * as service levels are written; a part of a second stays in milliseconds.
 */
function formatExact(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  let rest = ms;
  let out = '';
  for (const [name, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) { out += `${n}${name}`; rest -= n * size; }
  }
  return out || '0s';
}

/**
 * The defaults merged with a tenant's overrides, every duration written canonically. Steps left
 * out follow the effective resolution target, so shortening a target brings its escalation forward.
 * The result still needs SlaPolicySchema's checks (order of targets and steps).
 */
export function effectiveSlaPolicy(overrides: SlaPolicyInput = {}): SlaPolicy {
  const priorities = {} as Record<Priority, SlaPriorityPolicy>;
  for (const priority of PrioritySchema.options) {
    const own = overrides.priorities?.[priority] ?? {};
    const resolveMs = parseDuration(own.resolve ?? DEFAULT_SLA_TARGETS[priority].resolve);
    const step = (name: (typeof ESCALATION_STEPS)[number]): string => {
      const given = own.escalateAfter?.[name];
      return formatExact(given !== undefined ? parseDuration(given) : Math.round(resolveMs * DEFAULT_ESCALATION_FRACTIONS[name]));
    };
    priorities[priority] = {
      respond: formatExact(parseDuration(own.respond ?? DEFAULT_SLA_TARGETS[priority].respond)),
      resolve: formatExact(resolveMs),
      escalateAfter: { L2: step('L2'), L3: step('L3'), L4: step('L4') },
    };
  }
  return {
    priorities,
    escalateOnBreach: {
      respond: overrides.escalateOnBreach?.respond ?? DEFAULT_ESCALATE_ON_BREACH.respond,
      resolve: overrides.escalateOnBreach?.resolve ?? DEFAULT_ESCALATE_ON_BREACH.resolve,
    },
  };
}

export function compileSlaPolicy(policy: SlaPolicy, effectiveFrom = 0): CompiledSlaPolicy {
  const priorities = {} as Record<Priority, CompiledPriorityPolicy>;
  for (const priority of PrioritySchema.options) {
    const p = policy.priorities[priority];
    priorities[priority] = {
      respondMs: parseDuration(p.respond),
      resolveMs: parseDuration(p.resolve),
      stepMs: { 2: parseDuration(p.escalateAfter.L2), 3: parseDuration(p.escalateAfter.L3), 4: parseDuration(p.escalateAfter.L4) },
    };
  }
  return { priorities, escalateOnBreach: { ...policy.escalateOnBreach }, effectiveFrom };
}

/** The built-in policy, for tenants that set none. */
export const DEFAULT_COMPILED_SLA_POLICY: CompiledSlaPolicy = compileSlaPolicy(effectiveSlaPolicy());
