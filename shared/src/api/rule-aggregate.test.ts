import { describe, expect, it } from 'vitest';
import { describeZodError } from '../protocol/messages.js';
import { RuleInputSchema, RuleSchema } from './rule.js';

const base = { name: 'CPU busy', metric: 'cpu.usage_pct', op: '>', threshold: 90 } as const;

/** The one-line message the API answers with, or null when the body is valid. */
function problem(body: unknown): string | null {
  const parsed = RuleInputSchema.safeParse(body);
  return parsed.success ? null : describeZodError(parsed.error);
}

describe('rule aggregation fields', () => {
  it('accepts an aggregate with a window, and a rule with neither', () => {
    expect(RuleInputSchema.parse({ ...base, aggregate: 'avg', window: '5m' })).toMatchObject({ aggregate: 'avg', window: '5m' });
    expect(problem({ ...base, aggregate: 'max', window: '24h' })).toBeNull();
    expect(problem({ ...base, aggregate: null, window: null })).toBeNull();
    expect(problem(base)).toBeNull();
  });

  it('names the missing field when only one of the two is given', () => {
    expect(problem({ ...base, aggregate: 'avg' })).toMatch(/^window: window is required when aggregate is set/);
    expect(problem({ ...base, window: '5m' })).toMatch(/^aggregate: aggregate is required when window is set/);
    expect(problem({ ...base, aggregate: 'min', window: null })).toMatch(/^window: /);
  });

  it('refuses a window past a day, a zero window and an unknown aggregate, naming the field', () => {
    expect(problem({ ...base, aggregate: 'avg', window: '25h' })).toMatch(/^window: must be at most 1d/);
    expect(problem({ ...base, aggregate: 'avg', window: '0s' })).toMatch(/^window: must be longer than zero/);
    expect(problem({ ...base, aggregate: 'avg', window: 'soon' })).toMatch(/^window: /);
    expect(problem({ ...base, aggregate: 'median', window: '5m' })).toMatch(/^aggregate: /);
  });

  it('holds a stored rule (what a PATCH is merged into) to the same pairing', () => {
    const stored = {
      ...base, id: 'r1', labels: {}, clearThreshold: null, forSamples: 1, priority: 'P3', scope: {}, runbookId: null,
      enabled: true, createdAt: 0, updatedAt: 0, aggregate: 'avg', window: '5m',
    };
    expect(RuleSchema.safeParse(stored).success).toBe(true);
    expect(RuleSchema.safeParse({ ...stored, window: null }).success).toBe(false);
  });
});
