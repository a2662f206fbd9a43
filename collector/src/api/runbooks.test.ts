import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEW_ALERT_LIFECYCLE } from '../store/index.js';
import type { RunbookRunRecord } from '../store/runbook-runs.js';
import { seedScript } from '../testing/scripts.js';
import { startTenantWorld, type TenantWorld, type TestCaller } from '../testing/tenant-callers.js';

/** The runbook and runbook-run routes, in process: validation that names the step, tenancy, changes and their audit. */
describe('runbook routes', () => {
  let world: TenantWorld;
  let owner: TestCaller;
  let acmeAdmin: TestCaller;
  let acmeViewer: TestCaller;
  let globexAdmin: TestCaller;

  beforeAll(async () => {
    world = await startTenantWorld();
    owner = world.caller('owner', []);
    acmeAdmin = world.caller('admin', ['acme']);
    acmeViewer = world.caller('viewer', ['acme']);
    globexAdmin = world.caller('admin', ['globex']);
    world.agent('acme');
    world.agent('globex');
    seedScript(world.store, 'scr_shared');
    seedScript(world.store, 'scr_acme', {
      tenantId: 'acme',
      manifest: { params: [{ name: 'dir', type: 'string', required: true, pattern: '/[a-z/]+' }, { name: 'keep', type: 'integer', required: false, min: 1 }] },
    });
    world.store.scripts.addVersion('scr_acme', {
      manifest: { ...world.store.scripts.get('scr_acme')!.manifest, version: 2, params: [] }, signature: null, createdBy: 'test', createdAt: 2,
    });
    seedScript(world.store, 'scr_globex', { tenantId: 'globex' });
  });
  afterAll(() => world?.close());

  const audit = (action: string) => world.store.audit.query({ action, limit: 50 }, null);
  const steps = (...list: object[]) => ({ name: 'Fix it', tenant: 'acme', steps: list });

  it('adds a runbook of steps, with defaults, and records it', async () => {
    const res = await world.call(acmeAdmin, 'POST', '/api/v1/runbooks', {
      ...steps({ scriptId: 'scr_acme', version: 1, params: { dir: '/var/tmp' }, timeout: '2m' }, { scriptId: 'scr_shared', onFailure: 'continue' }),
      verify: { within: '3m' }, maxRunsPerAgentPerHour: 2, requiresApproval: true,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      tenantId: 'acme', name: 'Fix it', args: null, verify: { within: '3m' }, maxRunsPerAlertPerHour: 1, maxRunsPerAgentPerHour: 2, requiresApproval: true,
      steps: [
        { scriptId: 'scr_acme', version: 1, params: { dir: '/var/tmp' }, timeout: '2m', onFailure: 'stop' },
        { scriptId: 'scr_shared', params: {}, timeout: '5m', onFailure: 'continue' },
      ],
    });
    expect((await world.call(acmeViewer, 'GET', `/api/v1/runbooks/${res.body.id}`)).body).toEqual(res.body);
    expect(audit('runbook.created').find((e) => e.targetId === res.body.id)).toMatchObject({ tenantId: 'acme', actorId: acmeAdmin.userId, after: { name: 'Fix it' } });
  });

  it('keeps the one-script shape: stored as one step with its arguments', async () => {
    const res = await world.call(acmeAdmin, 'POST', '/api/v1/runbooks', { name: 'Legacy', scriptId: 'scr_shared', args: ['-v'], tenant: 'acme' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ args: ['-v'], steps: [{ scriptId: 'scr_shared', params: {}, timeout: '5m', onFailure: 'stop' }], verify: { within: '2m' } });
  });

  it('refuses a step its runs could not start, naming the step and field', async () => {
    const refused = async (body: object, message: string) => {
      const res = await world.call(acmeAdmin, 'POST', '/api/v1/runbooks', body);
      expect(res.status).toBe(400);
      // The message names the field, and `fields` places it for a form.
      const [, path, detail] = /^invalid body: ([^:]+): (.*)$/.exec(message)!;
      expect(res.body.error).toEqual({ code: 'invalid_body', message, fields: [{ path, message: detail }] });
    };
    await refused(steps({ scriptId: 'scr_shared' }, { scriptId: 'scr_nope' }), 'invalid body: steps.1.scriptId: script scr_nope does not exist');
    await refused(steps({ scriptId: 'scr_globex' }), 'invalid body: steps.0.scriptId: script scr_globex does not exist in tenant acme');
    await refused(steps({ scriptId: 'scr_acme', version: 7 }), 'invalid body: steps.0.version: script scr_acme has no version 7 (the latest is 2)');
    await refused(steps({ scriptId: 'scr_acme', version: 1, params: { dir: 'relative' } }), 'invalid body: steps.0.params: parameter dir must match /[a-z/]+, got "relative" (script scr_acme version 1)');
    await refused(steps({ scriptId: 'scr_acme', version: 1 }), 'invalid body: steps.0.params: parameter dir is required (script scr_acme version 1)');
    // Unpinned: the latest version's declarations, which have no parameters.
    await refused(steps({ scriptId: 'scr_acme', params: { dir: '/tmp' } }), 'invalid body: steps.0.params: unknown parameter dir: the script declares none (script scr_acme version 2)');
    await refused(steps({ scriptId: 'scr_shared', timeout: '0s' }), 'invalid body: steps.0.timeout: must be longer than zero');
    await refused({ name: 'x', tenant: 'acme', steps: [] }, 'invalid body: steps: Too small: expected array to have >=1 items');
    await refused({ name: 'x', tenant: 'acme', scriptId: 'scr_globex' }, 'invalid body: scriptId: script scr_globex does not exist in tenant acme');
    // An MSP-wide runbook may fire on any tenant's agents: only MSP-wide scripts fit.
    const msp = await world.call(owner, 'POST', '/api/v1/runbooks', { name: 'x', steps: [{ scriptId: 'scr_acme', version: 1, params: { dir: '/a' } }] });
    expect(msp.body.error.message).toBe('invalid body: steps.0.scriptId: script scr_acme does not exist');
  });

  it('lists the caller\'s runbooks and the MSP-wide ones; another tenant\'s answers 404', async () => {
    const shared = await world.call(owner, 'POST', '/api/v1/runbooks', { name: 'Everyone', steps: [{ scriptId: 'scr_shared' }] });
    const globex = await world.call(globexAdmin, 'POST', '/api/v1/runbooks', { name: 'Globex', tenant: 'globex', steps: [{ scriptId: 'scr_globex' }] });
    const listed = (await world.call(acmeViewer, 'GET', '/api/v1/runbooks')).body.runbooks.map((r: { id: string }) => r.id);
    expect(listed).toContain(shared.body.id);
    expect(listed).not.toContain(globex.body.id);
    expect((await world.call(acmeAdmin, 'GET', `/api/v1/runbooks/${globex.body.id}`)).status).toBe(404);
    expect((await world.call(acmeAdmin, 'PATCH', `/api/v1/runbooks/${globex.body.id}`, { name: 'mine' })).status).toBe(404);
    expect((await world.call(acmeAdmin, 'PATCH', `/api/v1/runbooks/${shared.body.id}`, { name: 'mine' })).status).toBe(403);
    expect((await world.call(acmeViewer, 'POST', '/api/v1/runbooks', steps({ scriptId: 'scr_shared' }))).status).toBe(403);
  });

  it('changes what a PATCH names, checks the steps again, and records before and after', async () => {
    const created = (await world.call(acmeAdmin, 'POST', '/api/v1/runbooks', { name: 'Old', scriptId: 'scr_shared', args: ['-v'], tenant: 'acme' })).body;
    const patched = await world.call(acmeAdmin, 'PATCH', `/api/v1/runbooks/${created.id}`, { name: 'New', maxRunsPerAlertPerHour: 2 });
    expect(patched.body).toMatchObject({ id: created.id, name: 'New', maxRunsPerAlertPerHour: 2, args: ['-v'], steps: created.steps, tenantId: 'acme' });
    // New steps leave the old shape's arguments behind.
    const stepped = await world.call(acmeAdmin, 'PATCH', `/api/v1/runbooks/${created.id}`, { steps: [{ scriptId: 'scr_shared' }, { scriptId: 'scr_acme' }] });
    expect(stepped.body).toMatchObject({ args: null, steps: [{ scriptId: 'scr_shared' }, { scriptId: 'scr_acme' }] });
    expect((await world.call(acmeAdmin, 'PATCH', `/api/v1/runbooks/${created.id}`, { args: ['-x'] })).body.error.message)
      .toBe('invalid body: args: only a one-step runbook has fixed arguments; give each step its params instead');
    expect((await world.call(acmeAdmin, 'PATCH', `/api/v1/runbooks/${created.id}`, { steps: [{ scriptId: 'scr_globex' }] })).body.error.message)
      .toBe('invalid body: steps.0.scriptId: script scr_globex does not exist in tenant acme');
    expect((await world.call(acmeAdmin, 'PATCH', `/api/v1/runbooks/${created.id}`, { tenant: 'globex' })).status).toBe(400);
    expect((await world.call(acmeAdmin, 'PATCH', `/api/v1/runbooks/${created.id}`, {})).status).toBe(400);
    expect(audit('runbook.updated').filter((e) => e.targetId === created.id).at(-1)).toMatchObject({
      before: { name: 'Old', args: ['-v'] }, after: { name: 'New', maxRunsPerAlertPerHour: 2 },
    });
  });

  it('deletes a runbook no rule names (409 while one does); its runs stay', async () => {
    const runbook = (await world.call(acmeAdmin, 'POST', '/api/v1/runbooks', steps({ scriptId: 'scr_shared' }))).body;
    const rule = (await world.call(acmeAdmin, 'POST', '/api/v1/rules', { name: 'disk', metric: 'disk.used_pct', op: '>', threshold: 90, scope: { tenant: 'acme' }, runbookId: runbook.id })).body;
    const blocked = await world.call(acmeAdmin, 'DELETE', `/api/v1/runbooks/${runbook.id}`);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.message).toBe(`runbook ${runbook.id} is named by rule ${rule.id}: change or delete them first`);

    const agentId = world.store.agents.list({ visibleTenants: ['acme'] })[0]!.id;
    world.store.alerts.insert({
      ...NEW_ALERT_LIFECYCLE, id: 'alr_del', seriesKey: `${rule.id}|${agentId}|{}`, ruleId: rule.id, ruleName: 'disk', agentId, hostname: 'h', tenantId: 'acme', siteId: 'hq',
      metric: 'disk.used_pct', labels: {}, op: '>', threshold: 90, priority: 'P3', state: 'open', openValue: 95, value: 95, openedAt: 1, updatedAt: 1,
      acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, comment: null, suppressedBy: null,
    });
    world.store.runbookRuns.insert(runRecord('rbr_del', runbook.id, 'alr_del', agentId, 'acme'));
    expect((await world.call(acmeAdmin, 'DELETE', `/api/v1/rules/${rule.id}`)).status).toBe(204);
    expect((await world.call(acmeAdmin, 'DELETE', `/api/v1/runbooks/${runbook.id}`)).status).toBe(204);
    expect((await world.call(acmeAdmin, 'GET', `/api/v1/runbooks/${runbook.id}`)).status).toBe(404);
    expect((await world.call(acmeAdmin, 'GET', '/api/v1/runbook-runs/rbr_del')).body).toMatchObject({ runbookId: runbook.id, runbookName: 'Fix it' });
    expect(audit('runbook.deleted').find((e) => e.targetId === runbook.id)).toMatchObject({ tenantId: 'acme', before: { name: 'Fix it' } });
  });

  it('shows runbook runs like jobs: filtered, and another tenant\'s answering 404', async () => {
    const acmeAgent = world.store.agents.list({ visibleTenants: ['acme'] })[0]!.id;
    const globexAgent = world.store.agents.list({ visibleTenants: ['globex'] })[0]!.id;
    for (const [id, agentId, tenantId] of [['alr_a', acmeAgent, 'acme'], ['alr_g', globexAgent, 'globex']] as const) {
      world.store.alerts.insert({
        ...NEW_ALERT_LIFECYCLE, id, seriesKey: `rul_y|${agentId}|{}`, ruleId: 'rul_y', ruleName: 'y', agentId, hostname: 'h', tenantId, siteId: 'hq',
        metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90, priority: 'P3', state: 'open', openValue: 95, value: 95, openedAt: 1, updatedAt: 1,
        acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, comment: null, suppressedBy: null,
      });
    }
    world.store.runbookRuns.insert(runRecord('rbr_a1', 'rbk_x', 'alr_a', acmeAgent, 'acme', 'escalated'));
    world.store.runbookRuns.insert(runRecord('rbr_a2', 'rbk_x', 'alr_a', acmeAgent, 'acme', 'capped'));
    world.store.runbookRuns.insert(runRecord('rbr_g', 'rbk_x', 'alr_g', globexAgent, 'globex', 'escalated'));
    const ids = async (query: string) => (await world.call(acmeViewer, 'GET', `/api/v1/runbook-runs${query}`)).body.runs.map((r: { id: string }) => r.id).sort();
    expect(await ids('?alertId=alr_a')).toEqual(['rbr_a1', 'rbr_a2']);
    expect(await ids('?alertId=alr_a&state=capped')).toEqual(['rbr_a2']);
    expect(await ids('?state=capped')).toEqual(['rbr_a2']);
    expect(await ids('?state=escalated')).not.toContain('rbr_g');
    expect(await ids(`?agentId=${globexAgent}`)).toEqual([]);
    expect((await world.call(acmeViewer, 'GET', '/api/v1/runbook-runs?state=lost')).status).toBe(400);
    expect((await world.call(acmeViewer, 'GET', '/api/v1/runbook-runs/rbr_a1')).body).toMatchObject({ id: 'rbr_a1', state: 'escalated', runbookName: 'Fix it', output: 'out' });
    expect((await world.call(acmeViewer, 'GET', '/api/v1/runbook-runs/rbr_g')).status).toBe(404);
    expect((await world.call(owner, 'GET', '/api/v1/runbook-runs/rbr_g')).status).toBe(200);
  });
});

function runRecord(id: string, runbookId: string, alertId: string, agentId: string, tenantId: string, state: RunbookRunRecord['state'] = 'escalated'): RunbookRunRecord {
  return {
    id, runbookId, alertId, agentId, tenantId, state, stepIndex: 0, jobIds: [], outcome: 'step 1 failed: exit code 1', output: 'out',
    startedAt: 1, stageStartedAt: null, finishedAt: 2,
    plan: { name: 'Fix it', steps: [{ scriptId: 'scr_shared', params: {}, timeout: '5m', onFailure: 'stop' }], verify: { within: '2m' }, args: null },
  };
}
