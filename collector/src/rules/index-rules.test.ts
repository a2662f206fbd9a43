import { describe, expect, it } from 'vitest';
import { RuleSchema, type Rule } from '@vigil/shared';
import { indexRules } from './index-rules.js';

function rule(id: string, metric: string, enabled = true): Rule {
  return RuleSchema.parse({
    id, name: id, metric, labels: {}, op: '>', threshold: 90, clearThreshold: null, forSamples: 1,
    priority: 'P3', scope: {}, runbookId: null, enabled, createdAt: 0, updatedAt: 0,
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
});
