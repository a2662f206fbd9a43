import { describe, expect, it } from 'vitest';
import { describeZodError } from '../protocol/messages.js';
import { MaintenanceScopeSchema } from './maintenance.js';
import { RuleInputSchema, RulePatchSchema, RuleSchema } from './rule.js';

const base = { name: 'CPU busy', metric: 'cpu.usage_pct', op: '>', threshold: 90, clearThreshold: 85 } as const;

/** The one-line message the API answers with, or null when the body is valid. */
function problem(body: unknown, schema: typeof RuleInputSchema | typeof RulePatchSchema = RuleInputSchema): string | null {
  const parsed = schema.safeParse(body);
  return parsed.success ? null : describeZodError(parsed.error);
}

describe('rule policy fields', () => {
  it('accepts scope.agents, exclusions and overrides, with no defaults filled in', () => {
    const parsed = RuleInputSchema.parse({
      ...base, scope: { tenant: 'acme', agents: ['agt_1'] }, exclude: { agents: ['agt_2'], sites: ['lab'], tags: ['test'] },
      overrides: [{ match: { tenant: 'acme', site: 'hq' }, threshold: 95, clearThreshold: null, priority: 'P1' }, { match: { agent: 'agt_3' }, enabled: false }],
    });
    expect(parsed.scope.agents).toEqual(['agt_1']);
    expect(parsed.overrides).toHaveLength(2);
    const plain = RuleInputSchema.parse(base);
    expect('exclude' in plain || 'overrides' in plain).toBe(false);
  });

  it('names the override field whose clear threshold lies beyond its threshold', () => {
    const overrides = [{ match: { tenant: 'acme' }, threshold: 95 }, { match: { agent: 'a' }, threshold: 95, clearThreshold: 97 }];
    expect(problem({ ...base, overrides })).toMatch(/^overrides\.1\.clearThreshold: clearThreshold must not lie beyond threshold/);
  });

  it('names the override threshold when it falls below the clear threshold it inherits', () => {
    expect(problem({ ...base, overrides: [{ match: { site: 'hq' }, threshold: 80 }] })).toMatch(/^overrides\.0\.threshold: .*inherits the rule's clearThreshold/);
    expect(problem({ ...base, overrides: [{ match: { site: 'hq' }, threshold: 80, clearThreshold: 75 }] })).toBeNull();
  });

  it('checks overrides against the rule as patched, so changing op cannot leave them inconsistent', () => {
    const rule = RuleSchema.parse({
      ...base, labels: {}, forSamples: 1, priority: 'P3', scope: {}, runbookId: null, enabled: true, id: 'r', createdAt: 0, updatedAt: 0,
      clearThreshold: null, overrides: [{ match: { agent: 'a' }, threshold: 95, clearThreshold: 90 }],
    });
    const merged = RuleSchema.safeParse({ ...rule, op: '<' });
    expect(merged.success ? null : describeZodError(merged.error)).toMatch(/^overrides\.0\.clearThreshold:/);
  });

  it('refuses an override matching nothing, unknown fields and an empty agent list', () => {
    expect(problem({ ...base, overrides: [{ match: {}, threshold: 95 }] })).toMatch(/^overrides\.0\.match: must name a tenant, a site or an agent/);
    expect(problem({ ...base, overrides: [{ match: { host: 'x' } }] })).toMatch(/^overrides\.0\.match/);
    expect(problem({ ...base, exclude: { hosts: ['x'] } })).toMatch(/^exclude/);
    expect(problem({ ...base, scope: { agents: [] } })).toMatch(/^scope\.agents/);
    expect(problem({ overrides: [{ match: { agent: 'a' }, priority: 'P9' }] }, RulePatchSchema)).toMatch(/^overrides\.0\.priority/);
  });

  it('keeps scope.agents out of maintenance windows, which name theirs agentIds', () => {
    expect(MaintenanceScopeSchema.safeParse({ agents: ['a'] }).success).toBe(false);
  });
});
