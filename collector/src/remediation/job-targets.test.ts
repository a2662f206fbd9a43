import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { resolveTargets, type TargetRequest } from './job-targets.js';

describe('resolveTargets', () => {
  let temp: ReturnType<typeof openTempStore>;
  const shared = { id: 'scr_shared', tenantId: null, os: ['linux' as const, 'windows' as const, 'darwin' as const] };
  const linuxOnly = { ...shared, os: ['linux' as const] };

  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, 'agt_a1', { tenantId: 'acme', siteId: 'hq', tags: ['server', 'db'] });
    seedAgent(temp.store, 'agt_a2', { tenantId: 'acme', siteId: 'hq', tags: ['server'] });
    seedAgent(temp.store, 'agt_a3', { tenantId: 'acme', siteId: 'branch', tags: ['laptop'] });
    seedAgent(temp.store, 'agt_g1', { tenantId: 'globex', siteId: 'hq', tags: ['server', 'db'] });
    temp.store.db.prepare("UPDATE agents SET os_platform = 'windows' WHERE id = 'agt_a2'").run();
  });
  afterEach(() => temp.cleanup());

  const resolve = (request: TargetRequest, visible: string[] | null = null, script: { id: string; tenantId: string | null; os: Array<'linux' | 'windows' | 'darwin'> } = shared) =>
    resolveTargets(temp.store.agents, request, script, visible).map((a) => a.id);

  it('selects by tenant, site, every tag given, and OS', () => {
    expect(resolve({ targets: { tenant: 'acme' } })).toEqual(['agt_a1', 'agt_a2', 'agt_a3']);
    expect(resolve({ targets: { tenant: 'acme', site: 'hq' } })).toEqual(['agt_a1', 'agt_a2']);
    expect(resolve({ targets: { tags: ['server'] } })).toEqual(['agt_a1', 'agt_a2', 'agt_g1']);
    expect(resolve({ targets: { tags: ['server', 'db'] } })).toEqual(['agt_a1', 'agt_g1']);
    expect(resolve({ targets: { os: 'windows' } })).toEqual(['agt_a2']);
    expect(resolve({ targets: { site: 'hq', tags: ['db'] } })).toEqual(['agt_a1', 'agt_g1']);
  });

  it('selects only among the caller\'s tenants and leaves revoked agents out', () => {
    expect(resolve({ targets: { tags: ['db'] } }, ['acme'])).toEqual(['agt_a1']);
    temp.store.agents.revoke('agt_a1', 2);
    expect(resolve({ targets: { tenant: 'acme' } })).toEqual(['agt_a2', 'agt_a3']);
    expect(() => resolve({ targets: { tags: ['db'] } }, ['acme'])).toThrow(expect.objectContaining({ statusCode: 400, message: 'invalid body: targets: no agent matches' }));
  });

  it('leaves out agents of an OS the script is not for, unless named', () => {
    expect(resolve({ targets: { tenant: 'acme', site: 'hq' } }, null, linuxOnly)).toEqual(['agt_a1']);
    expect(resolve({ agentIds: ['agt_a2'] }, null, linuxOnly)).toEqual(['agt_a2']);
  });

  it('takes named agents once each, narrowed by the filters given beside them', () => {
    expect(resolve({ agentIds: ['agt_a1', 'agt_g1', 'agt_a1'] })).toEqual(['agt_a1', 'agt_g1']);
    expect(resolve({ targets: { agentIds: ['agt_a1', 'agt_a3'], site: 'hq' } })).toEqual(['agt_a1']);
    expect(() => resolve({ agentIds: ['agt_a1'], targets: { agentIds: ['agt_a2'] } })).toThrow(/not both/);
  });

  it('answers a foreign or unknown named agent as missing, and refuses a revoked one', () => {
    expect(() => resolve({ agentIds: ['agt_a1', 'agt_g1'] }, ['acme'])).toThrow(expect.objectContaining({ statusCode: 404, message: 'agent agt_g1 does not exist' }));
    expect(() => resolve({ agentIds: ['agt_nobody'] })).toThrow(expect.objectContaining({ statusCode: 404, message: 'agent agt_nobody does not exist' }));
    temp.store.agents.revoke('agt_a3', 2);
    expect(() => resolve({ agentIds: ['agt_a3'] })).toThrow(expect.objectContaining({ statusCode: 400, message: 'invalid body: agentIds: agent agt_a3 is revoked' }));
  });

  it('runs a tenant\'s script on that tenant\'s agents only', () => {
    const acmeScript = { ...shared, id: 'scr_acme', tenantId: 'acme' };
    expect(resolve({ targets: { tenant: 'acme', tags: ['db'] } }, null, acmeScript)).toEqual(['agt_a1']);
    expect(() => resolve({ targets: { tags: ['db'] } }, null, acmeScript)).toThrow(expect.objectContaining({
      statusCode: 400, message: 'invalid body: targets: script scr_acme belongs to tenant acme; agent agt_g1 is of tenant globex',
    }));
  });
});
