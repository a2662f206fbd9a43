import { describe, expect, it } from 'vitest';
import { EMPTY_SCOPE, ruleScopeBody, ruleScopeForm, scopeSummary, windowScopeBody, windowScopeForm } from './scope-form.js';

describe('scope form', () => {
  it('sends only what narrows the scope', () => {
    expect(ruleScopeBody(EMPTY_SCOPE)).toEqual({});
    expect(ruleScopeBody({ tenant: ' acme ', site: 'hq', tags: 'web, db', os: 'linux', agents: 'agt_1 agt_2' }))
      .toEqual({ tenant: 'acme', site: 'hq', tags: ['web', 'db'], os: 'linux', agents: ['agt_1', 'agt_2'] });
  });

  it('names the explicit agents as each API does', () => {
    expect(windowScopeBody({ ...EMPTY_SCOPE, agents: 'agt_1' })).toEqual({ agentIds: ['agt_1'] });
    expect(windowScopeForm({ tenant: 'acme', agentIds: ['agt_1', 'agt_2'] })).toEqual({ ...EMPTY_SCOPE, tenant: 'acme', agents: 'agt_1, agt_2' });
    expect(ruleScopeForm({ tags: ['web'], os: 'windows' })).toEqual({ ...EMPTY_SCOPE, tags: 'web', os: 'windows' });
  });

  it('summarizes a scope', () => {
    expect(scopeSummary({})).toBe('all agents');
    expect(scopeSummary({ tenant: 'acme', site: 'hq', tags: ['web', 'db'], os: 'darwin' })).toBe('tenant acme · site hq · tags web, db · macOS');
    expect(scopeSummary({ agents: ['agt_1'] })).toBe('agent agt_1');
    expect(scopeSummary({ tenant: 'acme', agentIds: ['a', 'b', 'c'] })).toBe('tenant acme · 3 agents');
  });
});
