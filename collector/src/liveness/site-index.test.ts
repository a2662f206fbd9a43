import { describe, expect, it } from 'vitest';
import { SiteIndex } from './site-index.js';

describe('SiteIndex', () => {
  it('lists the agents of the sites asked for, each once, and follows moves and removals', () => {
    const index = new SiteIndex();
    index.set('agt_1', { tenantId: 'acme', siteId: 'hq' });
    index.set('agt_2', { tenantId: 'acme', siteId: 'hq' });
    index.set('agt_3', { tenantId: 'acme', siteId: 'lab' });
    index.set('agt_4', { tenantId: 'globex', siteId: 'hq' });
    const ids = (sites: Array<{ tenantId: string; siteId: string }>) => index.agentsOf(sites).map((a) => a.agentId).sort();
    expect(ids([{ tenantId: 'acme', siteId: 'hq' }, { tenantId: 'acme', siteId: 'hq' }])).toEqual(['agt_1', 'agt_2']);
    index.set('agt_2', { tenantId: 'acme', siteId: 'lab' });
    expect(ids([{ tenantId: 'acme', siteId: 'hq' }])).toEqual(['agt_1']);
    expect(ids([{ tenantId: 'acme', siteId: 'lab' }])).toEqual(['agt_2', 'agt_3']);
    index.delete('agt_1');
    expect(ids([{ tenantId: 'acme', siteId: 'hq' }])).toEqual([]);
    expect(index.get('agt_1')).toBeUndefined();
    expect(index.get('agt_4')).toEqual({ tenantId: 'globex', siteId: 'hq' });
  });
});
