import { SlaPolicyInputSchema, SlaPolicySchema, describeZodError } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COMPILED_SLA_POLICY, compileSlaPolicy, effectiveSlaPolicy } from './policy.js';

const MIN = 60_000;
const H = 60 * MIN;

describe('effectiveSlaPolicy', () => {
  it('is the contract\'s targets by default, with L2/L3/L4 at 1/2, 3/4 and all of the resolution target', () => {
    expect(effectiveSlaPolicy()).toEqual({
      priorities: {
        P1: { respond: '15m', resolve: '4h', escalateAfter: { L2: '2h', L3: '3h', L4: '4h' } },
        P2: { respond: '30m', resolve: '8h', escalateAfter: { L2: '4h', L3: '6h', L4: '8h' } },
        P3: { respond: '2h', resolve: '24h', escalateAfter: { L2: '12h', L3: '18h', L4: '24h' } },
        P4: { respond: '4h', resolve: '72h', escalateAfter: { L2: '36h', L3: '54h', L4: '72h' } },
      },
      escalateOnBreach: { respond: 2, resolve: 3 },
    });
    expect(DEFAULT_COMPILED_SLA_POLICY.priorities.P1).toEqual({ respondMs: 15 * MIN, resolveMs: 4 * H, stepMs: { 2: 2 * H, 3: 3 * H, 4: 4 * H } });
    expect(DEFAULT_COMPILED_SLA_POLICY.effectiveFrom).toBe(0);
  });

  it('merges overrides field by field; steps left out follow the overridden resolution target', () => {
    const policy = effectiveSlaPolicy({ priorities: { P1: { resolve: '90m', escalateAfter: { L4: '100m' } }, P3: { respond: '45m' } }, escalateOnBreach: { resolve: 4 } });
    expect(policy.priorities.P1).toEqual({ respond: '15m', resolve: '1h30m', escalateAfter: { L2: '45m', L3: '1h7m30s', L4: '1h40m' } });
    expect(policy.priorities.P3).toEqual({ respond: '45m', resolve: '24h', escalateAfter: { L2: '12h', L3: '18h', L4: '24h' } });
    expect(policy.priorities.P2).toEqual(effectiveSlaPolicy().priorities.P2);
    expect(policy.escalateOnBreach).toEqual({ respond: 2, resolve: 4 });
  });

  it('compiles to milliseconds, remembering when the policy took effect', () => {
    const compiled = compileSlaPolicy(effectiveSlaPolicy({ priorities: { P2: { respond: '500ms', resolve: '1h' } } }), 1234);
    expect(compiled.priorities.P2).toEqual({ respondMs: 500, resolveMs: H, stepMs: { 2: 30 * MIN, 3: 45 * MIN, 4: H } });
    expect(compiled.effectiveFrom).toBe(1234);
  });
});

describe('SLA policy schemas', () => {
  const problem = (schema: typeof SlaPolicyInputSchema | typeof SlaPolicySchema, value: unknown): string => {
    const result = schema.safeParse(value);
    return result.success ? 'valid' : describeZodError(result.error);
  };

  it('names the field of a malformed, zero or unknown override', () => {
    expect(problem(SlaPolicyInputSchema, { priorities: { P1: { respond: 'soon' } } })).toMatch(/^priorities\.P1\.respond: invalid duration "soon"/);
    expect(problem(SlaPolicyInputSchema, { priorities: { P2: { escalateAfter: { L3: '0s' } } } })).toBe('priorities.P2.escalateAfter.L3: must be longer than zero');
    expect(problem(SlaPolicyInputSchema, { priorities: { P4: { resolve: '400d' } } })).toBe('priorities.P4.resolve: must be at most 366d');
    expect(problem(SlaPolicyInputSchema, { priorities: { P5: {} } })).toMatch(/^priorities: Unrecognized key/);
    expect(problem(SlaPolicyInputSchema, { escalateOnBreach: { respond: 5 } })).toMatch(/^escalateOnBreach\.respond: /);
    expect(problem(SlaPolicyInputSchema, {})).toBe('valid');
  });

  it('refuses a merged policy whose response target exceeds its resolution target, or whose steps go backwards', () => {
    expect(problem(SlaPolicySchema, effectiveSlaPolicy({ priorities: { P2: { respond: '9h' } } })))
      .toBe('priorities.P2.respond: must not exceed the resolution target (8h)');
    // L2 set past the derived L3 (3h): the message names the step that now comes too early.
    expect(problem(SlaPolicySchema, effectiveSlaPolicy({ priorities: { P1: { escalateAfter: { L2: '3h30m' } } } })))
      .toBe('priorities.P1.escalateAfter.L3: must not come before L2 (3h30m)');
    expect(problem(SlaPolicySchema, effectiveSlaPolicy({ priorities: { P1: { escalateAfter: { L2: '3h', L3: '3h' } } } }))).toBe('valid');
  });
});
