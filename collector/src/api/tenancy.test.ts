import { NEW_ALERT_LIFECYCLE } from '../store/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTenantWorld, type TenantWorld, type TestCaller } from '../testing/tenant-callers.js';

/** Every list narrows to the caller's tenants; another tenant's objects are answered as if they did not exist. */
describe('tenant isolation of the API', () => {
  let world: TenantWorld;
  let owner: TestCaller;
  let acmeAdmin: TestCaller;
  let acmeTech: TestCaller;
  let globexAdmin: TestCaller;
  let acmeAgent: string;
  let globexAgent: string;

  beforeAll(async () => {
    world = await startTenantWorld();
    owner = world.caller('owner', []);
    acmeAdmin = world.caller('admin', ['acme']);
    acmeTech = world.caller('technician', ['acme']);
    globexAdmin = world.caller('admin', ['globex']);
    acmeAgent = world.agent('acme', 'hq', { tags: ['server'] });
    world.agent('acme', 'branch', { tags: ['laptop'], platform: 'windows' });
    globexAgent = world.agent('globex', 'hq', { tags: ['server'] });
  });
  afterAll(() => world?.close());

  const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id).sort();
  const audit = (action: string) => world.store.audit.query({ action, limit: 50 }, null);
  const alertOf = (agentId: string, tenantId: string, id: string) => {
    world.store.alerts.insert({
      ...NEW_ALERT_LIFECYCLE, id, seriesKey: `rul_x|${agentId}|{}`, ruleId: 'rul_x', ruleName: 'x', agentId, hostname: 'h', tenantId, siteId: 'hq',
      metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90, priority: 'P3', state: 'open', openValue: 95, value: 95, openedAt: 1, updatedAt: 1,
      acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, comment: null, suppressedBy: null,
    });
  };

  it('narrows agents, and filters them by tenant, site, tag and platform', async () => {
    const acme = (await world.call(acmeAdmin, 'GET', '/api/v1/agents')).body.agents;
    expect(acme.map((a: { tenantId: string }) => a.tenantId)).toEqual(['acme', 'acme']);
    expect(ids((await world.call(owner, 'GET', '/api/v1/agents?tag=server')).body.agents)).toEqual([acmeAgent, globexAgent].sort());
    expect((await world.call(owner, 'GET', '/api/v1/agents?tenant=acme&os=windows')).body.agents.map((a: { siteId: string }) => a.siteId)).toEqual(['branch']);
    expect((await world.call(owner, 'GET', '/api/v1/agents?os=plan9')).status).toBe(400);
    const foreign = await world.call(acmeAdmin, 'GET', '/api/v1/agents?tenant=globex');
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toBe('tenant globex does not exist');
    for (const path of [`/api/v1/agents/${globexAgent}`, `/api/v1/agents/${globexAgent}/telemetry`, `/api/v1/agents/${globexAgent}/events`]) {
      const res = await world.call(acmeAdmin, 'GET', path);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe(`agent ${globexAgent} does not exist`);
    }
    expect((await world.call(acmeTech, 'DELETE', `/api/v1/agents/${acmeAgent}`)).status).toBe(403);
    expect((await world.call(acmeAdmin, 'DELETE', `/api/v1/agents/${globexAgent}`)).status).toBe(404);
  });

  it('revokes an agent of the caller\'s tenant, and records it', async () => {
    const doomed = world.agent('acme');
    expect((await world.call(acmeAdmin, 'DELETE', `/api/v1/agents/${doomed}`)).status).toBe(204);
    expect(audit('agent.revoked')[0]).toMatchObject({ tenantId: 'acme', targetType: 'agent', targetId: doomed, actorId: acmeAdmin.userId });
  });

  it('narrows alerts, acts on the caller\'s own only, and records the actions', async () => {
    alertOf(acmeAgent, 'acme', 'alr_acme');
    alertOf(globexAgent, 'globex', 'alr_globex');
    expect(ids((await world.call(acmeTech, 'GET', '/api/v1/alerts')).body.alerts)).toEqual(['alr_acme']);
    expect((await world.call(acmeTech, 'GET', '/api/v1/alerts?tenant=globex')).status).toBe(404);
    expect((await world.call(acmeTech, 'GET', '/api/v1/alerts/alr_globex')).status).toBe(404);
    expect((await world.call(acmeTech, 'POST', '/api/v1/alerts/alr_globex/ack', {})).status).toBe(404);
    expect((await world.call(acmeTech, 'POST', '/api/v1/alerts/alr_acme/ack', { comment: 'on it' })).body.state).toBe('acknowledged');
    expect((await world.call(acmeTech, 'POST', '/api/v1/alerts/alr_acme/resolve', {})).body.state).toBe('resolved');
    expect(audit('alert.')).toEqual(expect.arrayContaining([
      expect.objectContaining({ action: 'alert.acknowledged', tenantId: 'acme', targetId: 'alr_acme', after: expect.objectContaining({ comment: 'on it' }) }),
      expect.objectContaining({ action: 'alert.resolved', tenantId: 'acme', targetId: 'alr_acme' }),
    ]));
  });

  it('keeps global rules readable by all and writable by all-tenant callers only', async () => {
    const rule = { name: 'cpu', metric: 'cpu.usage_pct', op: '>', threshold: 90 };
    const global = await world.call(owner, 'POST', '/api/v1/rules', rule);
    expect(global.status).toBe(201);
    expect((await world.call(acmeAdmin, 'POST', '/api/v1/rules', rule)).status).toBe(403);
    expect((await world.call(acmeAdmin, 'POST', '/api/v1/rules', { ...rule, scope: { tenant: 'globex' } })).status).toBe(404);
    const own = await world.call(acmeAdmin, 'POST', '/api/v1/rules', { ...rule, scope: { tenant: 'acme' } });
    expect(own.status).toBe(201);
    const globex = await world.call(globexAdmin, 'POST', '/api/v1/rules', { ...rule, scope: { tenant: 'globex' } });
    expect(ids((await world.call(acmeTech, 'GET', '/api/v1/rules')).body.rules)).toEqual(expect.arrayContaining([global.body.id, own.body.id]));
    expect(ids((await world.call(acmeTech, 'GET', '/api/v1/rules')).body.rules)).not.toContain(globex.body.id);
    expect((await world.call(acmeTech, 'GET', `/api/v1/rules/${global.body.id}`)).status).toBe(200);
    expect((await world.call(acmeTech, 'GET', `/api/v1/rules/${globex.body.id}`)).status).toBe(404);
    expect((await world.call(acmeTech, 'PATCH', `/api/v1/rules/${own.body.id}`, { threshold: 80 })).status).toBe(403);
    expect((await world.call(acmeAdmin, 'PATCH', `/api/v1/rules/${global.body.id}`, { threshold: 80 })).status).toBe(403);
    expect((await world.call(acmeAdmin, 'DELETE', `/api/v1/rules/${global.body.id}`)).status).toBe(403);
    // Moving a rule: the tenant it leaves and the one it goes to must both be the caller's.
    expect((await world.call(acmeAdmin, 'PATCH', `/api/v1/rules/${own.body.id}`, { scope: { tenant: 'globex' } })).status).toBe(404);
    expect((await world.call(acmeAdmin, 'PATCH', `/api/v1/rules/${own.body.id}`, { scope: {} })).status).toBe(403);
    const patched = await world.call(acmeAdmin, 'PATCH', `/api/v1/rules/${own.body.id}`, { threshold: 80 });
    expect(patched.body.threshold).toBe(80);
    expect(audit('rule.updated')[0]).toMatchObject({ tenantId: 'acme', targetId: own.body.id, before: { threshold: 90 }, after: { threshold: 80 } });
    expect((await world.call(acmeAdmin, 'DELETE', `/api/v1/rules/${own.body.id}`)).status).toBe(204);
    expect(audit('rule.').map((e) => e.action)).toEqual(expect.arrayContaining(['rule.created', 'rule.updated', 'rule.deleted']));
    expect(audit('rule.created').find((e) => e.targetId === global.body.id)?.tenantId).toBeNull();
  });

  it('keeps a shared script library beside each tenant\'s own scripts and runbooks', async () => {
    const script = { name: 'uptime', shell: 'sh', body: 'uptime\n', os: ['linux'] };
    const shared = await world.call(owner, 'POST', '/api/v1/scripts', script);
    expect(shared.body.tenantId).toBeNull();
    expect((await world.call(acmeAdmin, 'POST', '/api/v1/scripts', script)).status).toBe(403);
    const acme = await world.call(acmeAdmin, 'POST', '/api/v1/scripts', { ...script, tenant: 'acme' });
    expect(acme.status).toBe(201);
    expect(acme.body.tenantId).toBe('acme');
    const globex = await world.call(globexAdmin, 'POST', '/api/v1/scripts', { ...script, tenant: 'globex' });
    expect(ids((await world.call(acmeTech, 'GET', '/api/v1/scripts')).body.scripts)).toEqual([shared.body.id, acme.body.id].sort());
    expect((await world.call(acmeTech, 'GET', `/api/v1/scripts/${globex.body.id}`)).status).toBe(404);
    expect(audit('script.created').find((e) => e.targetId === acme.body.id)).toMatchObject({ tenantId: 'acme', after: { name: 'uptime', version: 1, digest: expect.any(String), signer: null } });

    const runbook = await world.call(acmeAdmin, 'POST', '/api/v1/runbooks', { name: 'fix', scriptId: acme.body.id, tenant: 'acme' });
    expect(runbook.body).toMatchObject({ tenantId: 'acme', steps: [{ scriptId: acme.body.id }] });
    expect((await world.call(acmeAdmin, 'POST', '/api/v1/runbooks', { name: 'fix', scriptId: shared.body.id, tenant: 'acme' })).status).toBe(201);
    const foreignScript = await world.call(acmeAdmin, 'POST', '/api/v1/runbooks', { name: 'fix', scriptId: globex.body.id, tenant: 'acme' });
    expect(foreignScript.status).toBe(400);
    expect(foreignScript.body.error.message).toBe(`invalid body: scriptId: script ${globex.body.id} does not exist in tenant acme`);
    expect((await world.call(owner, 'POST', '/api/v1/runbooks', { name: 'fix', scriptId: acme.body.id })).status).toBe(400);
    expect((await world.call(globexAdmin, 'GET', '/api/v1/runbooks')).body.runbooks.map((r: { id: string }) => r.id)).not.toContain(runbook.body.id);
    expect(audit('runbook.created').find((e) => e.targetId === runbook.body.id)?.tenantId).toBe('acme');

    // A rule runs its runbook on the agents it alerts on: only the rule's own tenant's runbooks fit.
    const rule = { name: 'disk', metric: 'disk.used_pct', op: '>', threshold: 90, runbookId: runbook.body.id };
    expect((await world.call(owner, 'POST', '/api/v1/rules', rule)).status).toBe(400);
    expect((await world.call(globexAdmin, 'POST', '/api/v1/rules', { ...rule, scope: { tenant: 'globex' } })).status).toBe(400);
    expect((await world.call(acmeAdmin, 'POST', '/api/v1/rules', { ...rule, scope: { tenant: 'acme' } })).status).toBe(201);
  });

  it('runs jobs on the caller\'s agents with scripts it may use, and shows each job only to who sees all its agents', async () => {
    const script = { name: 'hostname', shell: 'sh', body: 'hostname\n', os: ['linux'] };
    const shared = (await world.call(owner, 'POST', '/api/v1/scripts', script)).body;
    const acmeScript = (await world.call(acmeAdmin, 'POST', '/api/v1/scripts', { ...script, tenant: 'acme' })).body;
    const foreignAgent = await world.call(acmeTech, 'POST', '/api/v1/jobs', { scriptId: shared.id, agentIds: [acmeAgent, globexAgent] });
    expect(foreignAgent.status).toBe(404);
    expect(foreignAgent.body.error.message).toBe(`agent ${globexAgent} does not exist`);
    expect((await world.call(globexAdmin, 'POST', '/api/v1/jobs', { scriptId: acmeScript.id, agentIds: [globexAgent] })).status).toBe(400);
    expect((await world.call(owner, 'POST', '/api/v1/jobs', { scriptId: acmeScript.id, agentIds: [globexAgent] })).status).toBe(400);

    const own = await world.call(acmeTech, 'POST', '/api/v1/jobs', { scriptId: acmeScript.id, agentIds: [acmeAgent] });
    expect(own.status).toBe(201);
    expect(own.body.tenantId).toBe('acme');
    const both = await world.call(owner, 'POST', '/api/v1/jobs', { scriptId: shared.id, agentIds: [acmeAgent, globexAgent] });
    expect(both.body.tenantId).toBeNull();
    expect(ids((await world.call(acmeTech, 'GET', '/api/v1/jobs')).body.jobs)).toEqual([own.body.id]);
    expect((await world.call(acmeTech, 'GET', `/api/v1/jobs/${both.body.id}`)).status).toBe(404);
    expect((await world.call(globexAdmin, 'GET', `/api/v1/jobs/${own.body.id}`)).status).toBe(404);
    expect((await world.call(owner, 'GET', `/api/v1/jobs/${both.body.id}`)).body.runs).toHaveLength(2);
    expect(audit('job.dispatched').find((e) => e.targetId === own.body.id)).toMatchObject({ tenantId: 'acme', after: { scriptId: acmeScript.id, agents: 1 } });
    expect(audit('job.dispatched').find((e) => e.targetId === both.body.id)).toMatchObject({ tenantId: null, after: { agents: 2 } });
  });

  it('narrows maintenance windows and notification channels, and never logs a channel\'s secrets', async () => {
    const later = Date.now() + 86_400_000;
    const window = { name: 'patching', startsAt: later, endsAt: later + 3_600_000 };
    expect((await world.call(acmeAdmin, 'POST', '/api/v1/maintenance-windows', window)).status).toBe(403);
    const acmeWindow = await world.call(acmeAdmin, 'POST', '/api/v1/maintenance-windows', { ...window, scope: { tenant: 'acme' } });
    expect(acmeWindow.status).toBe(201);
    const globexWindow = await world.call(globexAdmin, 'POST', '/api/v1/maintenance-windows', { ...window, scope: { tenant: 'globex' } });
    const sharedWindow = await world.call(owner, 'POST', '/api/v1/maintenance-windows', window);
    expect(ids((await world.call(acmeTech, 'GET', '/api/v1/maintenance-windows')).body.windows)).toEqual([acmeWindow.body.id, sharedWindow.body.id].sort());
    expect((await world.call(acmeAdmin, 'PATCH', `/api/v1/maintenance-windows/${globexWindow.body.id}`, { name: 'x' })).status).toBe(404);
    expect((await world.call(acmeAdmin, 'PATCH', `/api/v1/maintenance-windows/${acmeWindow.body.id}`, { scope: {} })).status).toBe(403);
    expect((await world.call(acmeAdmin, 'PATCH', `/api/v1/maintenance-windows/${acmeWindow.body.id}`, { name: 'patch night' })).status).toBe(200);
    expect((await world.call(acmeAdmin, 'DELETE', `/api/v1/maintenance-windows/${acmeWindow.body.id}`)).status).toBe(204);
    expect(audit('maintenance_window.').filter((e) => e.targetId === acmeWindow.body.id).map((e) => e.action))
      .toEqual(['maintenance_window.deleted', 'maintenance_window.updated', 'maintenance_window.created']);

    const channel = { name: 'noc', kind: 'webhook', target: { url: 'http://127.0.0.1:9/hook?key=hunter2' }, secret: 'a-very-secret-signing-key', enabled: false };
    const acmeChannel = await world.call(acmeAdmin, 'POST', '/api/v1/notification-channels', { ...channel, filters: { scope: { tenant: 'acme' } } });
    expect(acmeChannel.status).toBe(201);
    const globexChannel = await world.call(globexAdmin, 'POST', '/api/v1/notification-channels', { ...channel, filters: { scope: { tenant: 'globex' } } });
    expect((await world.call(acmeAdmin, 'POST', '/api/v1/notification-channels', channel)).status).toBe(403);
    expect(ids((await world.call(acmeAdmin, 'GET', '/api/v1/notification-channels')).body.channels)).toEqual([acmeChannel.body.id]);
    expect((await world.call(acmeAdmin, 'GET', `/api/v1/notification-channels/${globexChannel.body.id}`)).status).toBe(404);
    expect((await world.call(acmeAdmin, 'PATCH', `/api/v1/notification-channels/${acmeChannel.body.id}`, { secret: 'another-very-secret-key' })).status).toBe(200);
    expect((await world.call(acmeAdmin, 'DELETE', `/api/v1/notification-channels/${acmeChannel.body.id}`)).status).toBe(204);
    const logged = audit('notification_channel.');
    expect(logged.filter((e) => e.targetId === acmeChannel.body.id).map((e) => e.action))
      .toEqual(['notification_channel.deleted', 'notification_channel.updated', 'notification_channel.created']);
    expect(JSON.stringify(logged)).not.toMatch(/hunter2|a-very-secret-signing-key|another-very-secret-key/);

    world.store.notifications.insertDelivery({ id: 'ndl_globex', channelId: globexChannel.body.id, event: 'opened', alertIds: [], batch: {}, at: 1 });
    expect((await world.call(acmeAdmin, 'GET', '/api/v1/notification-deliveries')).body.deliveries).toEqual([]);
    expect((await world.call(globexAdmin, 'GET', '/api/v1/notification-deliveries')).body.deliveries.map((d: { id: string }) => d.id)).toEqual(['ndl_globex']);
  });

  it('reports on the caller\'s tenants only, and keeps each tenant\'s SLA policy to itself', async () => {
    const period = `from=0&to=${Date.now()}`;
    expect((await world.call(acmeAdmin, 'GET', `/api/v1/reports/kpi?${period}`)).status).toBe(403);
    expect((await world.call(acmeAdmin, 'GET', `/api/v1/reports/kpi?${period}&tenant=globex`)).status).toBe(404);
    expect((await world.call(acmeAdmin, 'GET', `/api/v1/reports/kpi?${period}&tenant=acme`)).status).toBe(200);
    expect((await world.call(owner, 'GET', `/api/v1/reports/kpi?${period}`)).status).toBe(200);

    expect((await world.call(acmeAdmin, 'GET', '/api/v1/tenants/globex/sla-policy')).status).toBe(404);
    expect((await world.call(acmeTech, 'PUT', '/api/v1/tenants/acme/sla-policy', {})).status).toBe(403);
    expect((await world.call(acmeAdmin, 'PUT', '/api/v1/tenants/acme/sla-policy', { priorities: { P1: { respond: '10m' } } })).status).toBe(200);
    expect(audit('sla_policy.updated')[0]).toMatchObject({ tenantId: 'acme', before: {}, after: { priorities: { P1: { respond: '10m' } } } });
  });

  it('keeps the collector\'s own metrics for its owner', async () => {
    expect((await world.call(acmeAdmin, 'GET', '/metrics')).status).toBe(403);
    expect((await world.collector.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${owner.token}` } })).statusCode).toBe(200);
  });
});
