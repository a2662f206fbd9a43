import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTenantWorld, type TenantWorld, type TestCaller } from '../testing/tenant-callers.js';

describe('tenants and sites over the API', () => {
  let world: TenantWorld;
  let owner: TestCaller;
  let acmeAdmin: TestCaller;
  let acmeViewer: TestCaller;

  beforeAll(async () => {
    world = await startTenantWorld();
    owner = world.caller('owner', []);
    acmeAdmin = world.caller('admin', ['acme']);
    acmeViewer = world.caller('viewer', ['acme']);
    expect((await world.call(owner, 'POST', '/api/v1/tenants', { id: 'acme', name: 'Acme' })).status).toBe(201);
    expect((await world.call(owner, 'POST', '/api/v1/tenants', { id: 'globex' })).status).toBe(201);
  });
  afterAll(() => world?.close());

  const audit = (action: string) => world.store.audit.query({ action, limit: 50 }, null);

  it('creates tenants for the owner only, and lists each caller its own', async () => {
    const refused = await world.call(acmeAdmin, 'POST', '/api/v1/tenants', { id: 'initech' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await world.call(owner, 'POST', '/api/v1/tenants', { id: 'acme' })).body.error).toEqual({ code: 'conflict', message: 'tenant acme exists already' });
    expect((await world.call(acmeViewer, 'GET', '/api/v1/tenants')).body.tenants.map((t: { id: string }) => t.id)).toEqual(['acme']);
    expect((await world.call(owner, 'GET', '/api/v1/tenants')).body.tenants.map((t: { id: string }) => t.id)).toEqual(expect.arrayContaining(['acme', 'globex']));
    expect(audit('tenant.created').find((e) => e.targetId === 'globex')).toMatchObject({ tenantId: 'globex', actorId: owner.userId, after: { name: 'globex' } });
  });

  it('answers another tenant as if it did not exist', async () => {
    expect((await world.call(acmeViewer, 'GET', '/api/v1/tenants/acme')).body).toMatchObject({ id: 'acme', name: 'Acme' });
    const foreign = await world.call(acmeAdmin, 'GET', '/api/v1/tenants/globex');
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toBe('tenant globex does not exist');
    expect((await world.call(acmeAdmin, 'PATCH', '/api/v1/tenants/globex', { name: 'x' })).status).toBe(404);
    expect((await world.call(acmeAdmin, 'GET', '/api/v1/sites?tenant=globex')).status).toBe(404);
    expect((await world.call(owner, 'GET', '/api/v1/tenants/nobody')).status).toBe(404);
  });

  it('lets a tenant\'s admin rename it, and records what it was', async () => {
    expect((await world.call(acmeViewer, 'PATCH', '/api/v1/tenants/acme', { name: 'Nope' })).status).toBe(403);
    const renamed = await world.call(acmeAdmin, 'PATCH', '/api/v1/tenants/acme', { name: 'Acme Corp' });
    expect(renamed.body).toMatchObject({ id: 'acme', name: 'Acme Corp' });
    expect(audit('tenant.updated')[0]).toMatchObject({ tenantId: 'acme', before: { name: 'Acme' }, after: { name: 'Acme Corp' } });
  });

  it('manages sites inside the caller\'s tenants', async () => {
    expect((await world.call(acmeAdmin, 'POST', '/api/v1/sites', { tenant: 'globex', id: 'hq' })).status).toBe(404);
    expect((await world.call(acmeAdmin, 'POST', '/api/v1/sites', { tenant: 'acme', id: 'lab', name: 'Lab' })).status).toBe(201);
    expect((await world.call(acmeAdmin, 'POST', '/api/v1/sites', { tenant: 'acme', id: 'lab' })).status).toBe(409);
    expect((await world.call(acmeAdmin, 'PATCH', '/api/v1/tenants/acme/sites/lab', { name: 'Test lab' })).body).toMatchObject({ tenantId: 'acme', id: 'lab', name: 'Test lab' });
    expect((await world.call(acmeViewer, 'GET', '/api/v1/tenants/acme/sites/lab')).body.name).toBe('Test lab');
    expect((await world.call(acmeViewer, 'GET', '/api/v1/tenants/acme/sites/nowhere')).status).toBe(404);
    expect((await world.call(acmeAdmin, 'GET', '/api/v1/tenants/globex/sites/hq')).status).toBe(404);
    world.agent('acme', 'lab');
    const busy = await world.call(acmeAdmin, 'DELETE', '/api/v1/tenants/acme/sites/lab');
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toBe('site acme/lab is still in use: 1 agents (revoked ones included)');
    expect((await world.call(acmeAdmin, 'POST', '/api/v1/sites', { tenant: 'acme', id: 'attic' })).status).toBe(201);
    expect((await world.call(acmeAdmin, 'DELETE', '/api/v1/tenants/acme/sites/attic')).status).toBe(204);
    expect((await world.call(acmeViewer, 'GET', '/api/v1/sites')).body.sites.map((s: { id: string }) => s.id)).toEqual(['lab']);
    expect(audit('site.').map((e) => e.action)).toEqual(expect.arrayContaining(['site.created', 'site.updated', 'site.deleted']));
  });

  it('deletes a tenant only when nothing names it any more, and says what does', async () => {
    expect((await world.call(owner, 'POST', '/api/v1/tenants', { id: 'initech' })).status).toBe(201);
    expect((await world.call(owner, 'POST', '/api/v1/enrollment-tokens', { tenant: 'initech', site: 'hq' })).status).toBe(201);
    expect((await world.call(owner, 'PUT', '/api/v1/tenants/initech/sla-policy', { priorities: { P1: { respond: '5m' } } })).status).toBe(200);
    const initechAdmin = world.caller('admin', ['initech']);
    expect((await world.call(initechAdmin, 'DELETE', '/api/v1/tenants/initech')).status).toBe(403);
    const rule = await world.call(initechAdmin, 'POST', '/api/v1/rules', { name: 'cpu', metric: 'cpu.usage_pct', op: '>', threshold: 90, scope: { tenant: 'initech' } });
    const busy = await world.call(owner, 'DELETE', '/api/v1/tenants/initech');
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toBe('tenant initech is still in use: 1 rules, 1 users');
    expect((await world.call(owner, 'DELETE', `/api/v1/rules/${rule.body.id}`)).status).toBe(204);
    expect((await world.call(owner, 'DELETE', `/api/v1/users/${initechAdmin.userId}`)).status).toBe(204);
    expect(world.collector.context.slaPolicies.compiled('initech').effectiveFrom).toBeGreaterThan(0);
    expect((await world.call(owner, 'DELETE', '/api/v1/tenants/initech')).status).toBe(204);
    expect((await world.call(owner, 'GET', '/api/v1/tenants/initech')).status).toBe(404);
    expect(audit('tenant.deleted')[0]).toMatchObject({ tenantId: 'initech', before: { sites: ['hq'] } });
    // Created again, it starts from nothing: the old SLA policy went with it.
    expect((await world.call(owner, 'POST', '/api/v1/tenants', { id: 'initech' })).status).toBe(201);
    expect((await world.call(owner, 'GET', '/api/v1/tenants/initech/sla-policy')).body).toMatchObject({ overrides: {}, updatedAt: null });
    expect(world.collector.context.slaPolicies.compiled('initech').effectiveFrom).toBe(0);

    world.agent('globex');
    expect((await world.call(owner, 'DELETE', '/api/v1/tenants/globex')).body.error.message).toMatch(/^tenant globex is still in use: 1 agents/);
  });

  it('creates a missing tenant from an enrollment token for all-tenant callers only', async () => {
    const hooli = await world.call(owner, 'POST', '/api/v1/enrollment-tokens', { tenant: 'hooli', site: 'hq' });
    expect(hooli.status).toBe(201);
    expect(audit('tenant.created').find((e) => e.targetId === 'hooli')).toBeDefined();
    expect(audit('enrollment_token.created').find((e) => e.targetId === hooli.body.id)).toMatchObject({ tenantId: 'hooli', after: { siteId: 'hq' } });
    expect(JSON.stringify(audit('enrollment_token.created'))).not.toContain(hooli.body.token);

    const foreign = await world.call(acmeAdmin, 'POST', '/api/v1/enrollment-tokens', { tenant: 'hooli', site: 'hq' });
    expect(foreign.status).toBe(404);
    const ghostAdmin = world.caller('admin', ['ghost']);
    const missing = await world.call(ghostAdmin, 'POST', '/api/v1/enrollment-tokens', { tenant: 'ghost', site: 'hq' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('tenant ghost does not exist');
    const newSite = await world.call(acmeAdmin, 'POST', '/api/v1/enrollment-tokens', { tenant: 'acme', site: 'warehouse' });
    expect(newSite.status).toBe(201);
    expect(world.store.tenants.getSite('acme', 'warehouse')).toBeDefined();

    expect((await world.call(acmeAdmin, 'GET', '/api/v1/enrollment-tokens')).body.enrollmentTokens.map((t: { tenantId: string }) => t.tenantId))
      .toEqual(expect.not.arrayContaining(['hooli']));
    expect((await world.call(acmeAdmin, 'DELETE', `/api/v1/enrollment-tokens/${hooli.body.id}`)).status).toBe(404);
    expect((await world.call(owner, 'DELETE', `/api/v1/enrollment-tokens/${hooli.body.id}`)).status).toBe(204);
    expect(audit('enrollment_token.revoked')[0]).toMatchObject({ tenantId: 'hooli', targetId: hooli.body.id });
  });
});
