import { describe, expect, it } from 'vitest';
import { RuleSchema, type Rule } from '@vigil/shared';
import { indexRules, rulesForTenant } from './index-rules.js';

function rule(id: string, metric: string, enabled = true, scope: Rule['scope'] = {}): Rule {
  return RuleSchema.parse({
    id, name: id, metric, labels: {}, op: '>', threshold: 90, clearThreshold: null, forSamples: 1,
    priority: 'P3', scope, runbookId: null, enabled, createdAt: 0, updatedAt: 0,
  });
}

describe('indexRules', () => {
  it('groups enabled rules by metric, keeping their order', () => {
    const index = indexRules([rule('r1', 'disk.used_pct'), rule('r2', 'cpu.usage_pct'), rule('r3', 'disk.used_pct')]);
    expect(index.size).toBe(3);
    expect(index.byMetric.get('disk.used_pct')?.map((r) => r.id)).toEqual(['r1', 'r3']);
    expect(index.byMetric.get('cpu.usage_pct')?.map((r) => r.id)).toEqual(['r2']);
    expect(index.byMetric.has('mem.used_pct')).toBe(false);
  });

  it('leaves disabled rules out, and a metric with only disabled rules has no entry', () => {
    const index = indexRules([rule('r1', 'disk.used_pct', false), rule('r2', 'cpu.usage_pct'), rule('r3', 'cpu.usage_pct', false)]);
    expect(index.size).toBe(1);
    expect(index.byMetric.has('disk.used_pct')).toBe(false);
    expect(index.byMetric.get('cpu.usage_pct')?.map((r) => r.id)).toEqual(['r2']);
  });

  it('is empty for no rules', () => {
    const index = indexRules([]);
    expect(index.size).toBe(0);
    expect(index.byMetric.size).toBe(0);
  });

  it("gives a tenant's agents the unscoped rules and their own tenant's, in index order", () => {
    const index = indexRules([
      rule('all-1', 'cpu.usage_pct'),
      rule('acme', 'cpu.usage_pct', true, { tenant: 'acme' }),
      rule('globex', 'cpu.usage_pct', true, { tenant: 'globex' }),
      rule('all-2', 'cpu.usage_pct'),
      rule('acme-off', 'cpu.usage_pct', false, { tenant: 'acme' }),
    ]);
    expect(rulesForTenant(index, 'cpu.usage_pct', 'acme')?.map((r) => r.id)).toEqual(['all-1', 'acme', 'all-2']);
    expect(rulesForTenant(index, 'cpu.usage_pct', 'globex')?.map((r) => r.id)).toEqual(['all-1', 'globex', 'all-2']);
    expect(rulesForTenant(index, 'cpu.usage_pct', 'initech')?.map((r) => r.id)).toEqual(['all-1', 'all-2']);
    expect(rulesForTenant(index, 'mem.used_pct', 'acme')).toBeUndefined();
    // Memoised: the same list comes back, so a frame pays one lookup per sample.
    expect(rulesForTenant(index, 'cpu.usage_pct', 'acme')).toBe(rulesForTenant(index, 'cpu.usage_pct', 'acme'));
  });

  it("keeps each rule's series-key prefix", () => {
    const index = indexRules([rule('r|1', 'cpu.usage_pct'), rule('r2', 'cpu.usage_pct', false)]);
    expect(index.keyPrefixes.get('r|1')).toBe('r%7C1|');
    expect(index.keyPrefixes.has('r2')).toBe(false);
  });
});
