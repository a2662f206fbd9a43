import type { Agent } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { agentQuery, describeSelector, jobTargets, matchesFilters, requireSelection, type TargetSelector } from './target-selection.js';

function agent(id: string, fields: Partial<Agent> = {}): Agent {
  return {
    id, tenantId: 'acme', siteId: 'hq', hostname: id, os: { platform: 'linux', distro: 'debian', release: '12', arch: 'x64' },
    agentVersion: '0.1.0', tags: [], enrolledAt: 0, lastSeenAt: null, lastSeq: 0, online: true, presence: 'online', revokedAt: null, ...fields,
  };
}

const selector = (fields: Partial<TargetSelector>): TargetSelector => ({ tags: [], agentIds: [], ...fields });

describe('target selection', () => {
  it('refuses to run without any selector', () => {
    expect(() => requireSelection(selector({}))).toThrow(/at least one of --tenant, --site, --tag, --os or --agent/);
    expect(() => requireSelection(selector({ agentIds: ['a'] }))).not.toThrow();
    expect(() => requireSelection(selector({ os: 'linux' }))).not.toThrow();
  });

  it('asks the server with every filter and the first tag', () => {
    expect(agentQuery(selector({ tenant: 'acme', site: 'hq', tags: ['web', 'prod'], os: 'linux' }), 10)).toEqual({ tenant: 'acme', site: 'hq', tag: 'web', os: 'linux', limit: 10 });
    expect(agentQuery(selector({ tenant: 'acme' }))).toEqual({ tenant: 'acme', site: undefined, tag: undefined, os: undefined, limit: undefined });
  });

  it('keeps only listed agents matching every filter, even if the server ignored one', () => {
    const listed = [
      agent('a', { tags: ['web', 'prod'] }),
      agent('b', { tags: ['web'] }),
      agent('c', { tags: ['web', 'prod'], os: { platform: 'windows', distro: '', release: '', arch: 'x64' } }),
      agent('d', { tags: ['web', 'prod'], tenantId: 'globex' }),
      agent('e', { tags: ['web', 'prod'], siteId: 'branch' }),
    ];
    const wanted = selector({ tenant: 'acme', site: 'hq', tags: ['web', 'prod'], os: 'linux' });
    expect(listed.filter((a) => matchesFilters(a, wanted)).map((a) => a.id)).toEqual(['a']);
  });

  it('becomes a job\'s server-side targets, without empty lists or repeats', () => {
    expect(jobTargets(selector({ tenant: 'acme', site: 'hq', tags: ['web', 'prod', 'web'], os: 'linux', agentIds: ['x', 'x', 'y'] })))
      .toEqual({ tenant: 'acme', site: 'hq', tags: ['web', 'prod'], os: 'linux', agentIds: ['x', 'y'] });
    expect(jobTargets(selector({ agentIds: ['x'] }))).toEqual({ agentIds: ['x'] });
    expect(jobTargets(selector({ tags: ['db'] }))).toEqual({ tags: ['db'] });
  });

  it('describes the selection as it was typed', () => {
    expect(describeSelector(selector({ tenant: 'acme', tags: ['web', 'prod'], agentIds: ['agt_1'] }))).toBe('--tenant acme --tag web --tag prod --agent agt_1');
  });
});
