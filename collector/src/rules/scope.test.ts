import { describe, expect, it } from 'vitest';
import { RuleSchema, type Rule, type RuleScope } from '@vigil/shared';
import { ruleAppliesTo } from './scope.js';
import type { AgentContext } from './types.js';

function ruleWithScope(scope: RuleScope, exclude?: Rule['exclude']): Rule {
  return RuleSchema.parse({
    id: 'r1', name: 'scoped', metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90,
    clearThreshold: null, forSamples: 1, priority: 'P3', scope, runbookId: null, enabled: true,
    createdAt: 0, updatedAt: 0, exclude,
  });
}

const agent: AgentContext = { agentId: 'a1', tenantId: 'acme', siteId: 'hq', tags: ['server', 'db'], os: 'linux' };

describe('ruleAppliesTo', () => {
  it('applies to every agent when the scope is empty', () => {
    expect(ruleAppliesTo(ruleWithScope({}), agent)).toBe(true);
    expect(ruleAppliesTo(ruleWithScope({}), { ...agent, tenantId: 'other', tags: [], os: 'windows' })).toBe(true);
  });

  it('narrows by tenant', () => {
    expect(ruleAppliesTo(ruleWithScope({ tenant: 'acme' }), agent)).toBe(true);
    expect(ruleAppliesTo(ruleWithScope({ tenant: 'globex' }), agent)).toBe(false);
  });

  it('narrows by site', () => {
    expect(ruleAppliesTo(ruleWithScope({ site: 'hq' }), agent)).toBe(true);
    expect(ruleAppliesTo(ruleWithScope({ site: 'branch' }), agent)).toBe(false);
  });

  it('requires the agent to carry all listed tags', () => {
    expect(ruleAppliesTo(ruleWithScope({ tags: ['server'] }), agent)).toBe(true);
    expect(ruleAppliesTo(ruleWithScope({ tags: ['server', 'db'] }), agent)).toBe(true);
    expect(ruleAppliesTo(ruleWithScope({ tags: ['server', 'web'] }), agent)).toBe(false);
    expect(ruleAppliesTo(ruleWithScope({ tags: ['server'] }), { ...agent, tags: [] })).toBe(false);
  });

  it('treats an empty tag list as no narrowing', () => {
    expect(ruleAppliesTo(ruleWithScope({ tags: [] }), { ...agent, tags: [] })).toBe(true);
  });

  it('narrows by os', () => {
    expect(ruleAppliesTo(ruleWithScope({ os: 'linux' }), agent)).toBe(true);
    expect(ruleAppliesTo(ruleWithScope({ os: 'windows' }), agent)).toBe(false);
  });

  it('requires every given field to match when combined', () => {
    const scope: RuleScope = { tenant: 'acme', site: 'hq', tags: ['server'], os: 'linux' };
    expect(ruleAppliesTo(ruleWithScope(scope), agent)).toBe(true);
    expect(ruleAppliesTo(ruleWithScope(scope), { ...agent, tenantId: 'globex' })).toBe(false);
    expect(ruleAppliesTo(ruleWithScope(scope), { ...agent, siteId: 'branch' })).toBe(false);
    expect(ruleAppliesTo(ruleWithScope(scope), { ...agent, tags: ['db'] })).toBe(false);
    expect(ruleAppliesTo(ruleWithScope(scope), { ...agent, os: 'darwin' })).toBe(false);
  });

  it('narrows by agent id', () => {
    expect(ruleAppliesTo(ruleWithScope({ agents: ['a0', 'a1'] }), agent)).toBe(true);
    expect(ruleAppliesTo(ruleWithScope({ tenant: 'acme', agents: ['a2'] }), agent)).toBe(false);
  });

  it('leaves out an agent matching any exclusion: its id, its site or one of its tags', () => {
    expect(ruleAppliesTo(ruleWithScope({ tenant: 'acme' }, { agents: ['a1'] }), agent)).toBe(false);
    expect(ruleAppliesTo(ruleWithScope({ tenant: 'acme' }, { agents: ['a1'] }), { ...agent, agentId: 'a2' })).toBe(true);
    expect(ruleAppliesTo(ruleWithScope({}, { sites: ['branch', 'hq'] }), agent)).toBe(false);
    expect(ruleAppliesTo(ruleWithScope({}, { sites: ['branch'] }), agent)).toBe(true);
    expect(ruleAppliesTo(ruleWithScope({}, { tags: ['lab', 'db'] }), agent)).toBe(false);
    expect(ruleAppliesTo(ruleWithScope({}, { tags: ['lab'] }), agent)).toBe(true);
    expect(ruleAppliesTo(ruleWithScope({}, {}), agent)).toBe(true);
  });
});
