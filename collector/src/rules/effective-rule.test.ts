import { describe, expect, it } from 'vitest';
import { RuleSchema, type Rule } from '@vigil/shared';
import { effectiveRule } from './effective-rule.js';
import type { AgentContext } from './types.js';

function makeRule(fields: Partial<Rule> = {}): Rule {
  return RuleSchema.parse({
    id: 'r1', name: 'Disk almost full', metric: 'disk.used_pct', labels: {}, op: '>', threshold: 90,
    clearThreshold: 85, forSamples: 1, priority: 'P3', scope: {}, runbookId: null, enabled: true,
    createdAt: 0, updatedAt: 0, ...fields,
  });
}

const agent: AgentContext = { agentId: 'a1', tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux' };

describe('effectiveRule', () => {
  it('is the rule itself, not a copy, when no override matches', () => {
    const rule = makeRule({ overrides: [{ match: { tenant: 'globex' }, threshold: 95 }] });
    expect(effectiveRule(rule, agent)).toBe(rule);
  });

  it('prefers an agent override over a site one over a tenant one, wherever they stand in the list', () => {
    const rule = makeRule({
      overrides: [
        { match: { agent: 'a1' }, threshold: 99 },
        { match: { site: 'hq' }, threshold: 97 },
        { match: { tenant: 'acme' }, threshold: 95 },
      ],
    });
    expect(effectiveRule(rule, agent)?.threshold).toBe(99);
    expect(effectiveRule(rule, { ...agent, agentId: 'a2' })?.threshold).toBe(97);
    expect(effectiveRule(rule, { ...agent, agentId: 'a2', siteId: 'branch' })?.threshold).toBe(95);
    expect(effectiveRule(rule, { ...agent, agentId: 'a2', tenantId: 'globex', siteId: 'branch' })?.threshold).toBe(90);
  });

  it('takes the later of two equally specific overrides', () => {
    const rule = makeRule({ overrides: [{ match: { site: 'hq' }, threshold: 92 }, { match: { tenant: 'acme', site: 'hq' }, threshold: 94 }] });
    expect(effectiveRule(rule, agent)?.threshold).toBe(94);
  });

  it('requires every field of the match to hold', () => {
    const rule = makeRule({ overrides: [{ match: { tenant: 'globex', site: 'hq' }, threshold: 99 }] });
    expect(effectiveRule(rule, agent)?.threshold).toBe(90);
  });

  it('inherits from the rule what the winning override leaves out, and nothing from losing ones', () => {
    const rule = makeRule({
      overrides: [{ match: { tenant: 'acme' }, priority: 'P1', clearThreshold: 70 }, { match: { agent: 'a1' }, threshold: 95 }],
    });
    expect(effectiveRule(rule, agent)).toMatchObject({ id: 'r1', threshold: 95, clearThreshold: 85, priority: 'P3', forSamples: 1 });
    expect(effectiveRule(rule, { ...agent, agentId: 'a2' })).toMatchObject({ threshold: 90, clearThreshold: 70, priority: 'P1' });
  });

  it('lets an override drop the hysteresis with a null clearThreshold', () => {
    const rule = makeRule({ overrides: [{ match: { agent: 'a1' }, clearThreshold: null }] });
    expect(effectiveRule(rule, agent)?.clearThreshold).toBeNull();
  });

  it('is null for the agents an override switches the rule off for', () => {
    const rule = makeRule({ overrides: [{ match: { tenant: 'acme' }, threshold: 95 }, { match: { agent: 'a1' }, enabled: false }] });
    expect(effectiveRule(rule, agent)).toBeNull();
    expect(effectiveRule(rule, { ...agent, agentId: 'a2' })?.threshold).toBe(95);
  });

  it('lets a more specific override switch a rule back on that a broader one switched off', () => {
    const rule = makeRule({ overrides: [{ match: { tenant: 'acme' }, enabled: false }, { match: { agent: 'a1' }, enabled: true, priority: 'P1' }] });
    expect(effectiveRule(rule, agent)?.priority).toBe('P1');
    expect(effectiveRule(rule, { ...agent, agentId: 'a2' })).toBeNull();
  });
});
