import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTenantWorld, type InjectedResponse, type TenantWorld, type TestCaller } from '../testing/tenant-callers.js';

/**
 * A refused rule or maintenance window names the field at fault in `error.fields`, also when the
 * check is not the schema's (a cron expression that never fires, an unknown runbook or agent, a
 * rule that cannot work on a computed metric, a PATCH whose merged result is invalid): the
 * console places each message next to its input. The message keeps naming the field as well.
 */
describe('field errors of rules and maintenance windows', () => {
  let world: TenantWorld;
  let owner: TestCaller;

  beforeAll(async () => {
    world = await startTenantWorld();
    owner = world.caller('owner', []);
  });
  afterAll(() => world?.close());

  const call = (method: string, url: string, body?: unknown) => world.call(owner, method, url, body);
  const refusedAt = (res: InjectedResponse) => {
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    return (res.body.error.fields as Array<{ path: string; message: string }>).map((f) => f.path);
  };
  const cpuRule = { name: 'CPU high', metric: 'cpu.usage_pct', op: '>', threshold: 90 };

  it('names the schema\'s fields, nested ones by their dotted path', async () => {
    const res = await call('POST', '/api/v1/rules', { ...cpuRule, threshold: null, scope: { tags: [''] }, events: { window: '10m', message: '(' } });
    expect(refusedAt(res)).toEqual(expect.arrayContaining(['threshold', 'scope.tags.0', 'events.message']));
  });

  it('names runbookId for a runbook that does not exist', async () => {
    const res = await call('POST', '/api/v1/rules', { ...cpuRule, runbookId: 'rbk_missing' });
    expect(res.body.error).toEqual({
      code: 'invalid_body', message: 'invalid body: runbookId: runbook rbk_missing does not exist',
      fields: [{ path: 'runbookId', message: 'runbook rbk_missing does not exist' }],
    });
  });

  it('names the field that keeps a rule on agent.online from working', async () => {
    const res = await call('POST', '/api/v1/rules', { name: 'Offline', metric: 'agent.online', op: '==', threshold: 0, forSamples: 3 });
    expect(refusedAt(res)).toEqual(['forSamples']);
    expect(res.body.error.message).toMatch(/^invalid body: forSamples: agent\.online changes once per presence change/);
    const held = await call('POST', '/api/v1/rules', { name: 'Offline', metric: 'agent.online', op: '==', threshold: 0, holdFor: '5m' });
    expect(refusedAt(held)).toEqual(['holdFor']);
  });

  it('names the field of a PATCH whose merged rule is invalid', async () => {
    const created = await call('POST', '/api/v1/rules', cpuRule);
    expect(created.status).toBe(201);
    const res = await call('PATCH', `/api/v1/rules/${created.body.id}`, { clearThreshold: 95 });
    expect(refusedAt(res)).toEqual(['clearThreshold']);
    expect(res.body.error.message).toMatch(/^invalid body: clearThreshold: clearThreshold must not lie beyond threshold/);
  });

  it('names cron for an expression out of range or that never fires, on create and on patch', async () => {
    const recurring = { name: 'Patch night', durationMinutes: 60, timezone: 'UTC' };
    const outOfRange = await call('POST', '/api/v1/maintenance-windows', { ...recurring, cron: '0 25 * * *' });
    expect(refusedAt(outOfRange)).toEqual(['cron']);
    expect(outOfRange.body.error.message).toMatch(/^invalid body: cron: /);
    const never = await call('POST', '/api/v1/maintenance-windows', { ...recurring, cron: '0 2 30 2 *' });
    expect(never.body.error.fields).toEqual([{ path: 'cron', message: expect.stringMatching(/^never fires/) }]);

    const created = await call('POST', '/api/v1/maintenance-windows', { ...recurring, cron: '0 2 * * SUN' });
    expect(created.status).toBe(201);
    expect(refusedAt(await call('PATCH', `/api/v1/maintenance-windows/${created.body.id}`, { cron: '0 2 * * 9' }))).toEqual(['cron']);
  });

  it('names scope.agentIds for agents that do not exist', async () => {
    const res = await call('POST', '/api/v1/maintenance-windows', {
      name: 'Reboot', startsAt: '2030-01-01T10:00:00Z', endsAt: '2030-01-01T11:00:00Z', scope: { agentIds: ['agt_missing'] },
    });
    expect(res.body.error.fields).toEqual([{ path: 'scope.agentIds', message: 'unknown agent agt_missing' }]);
    expect(res.body.error.message).toBe('invalid body: scope.agentIds: unknown agent agt_missing');
  });

  it('names the field of a PATCH whose merged window is invalid', async () => {
    const created = await call('POST', '/api/v1/maintenance-windows', { name: 'Move', startsAt: '2030-01-01T10:00:00Z', endsAt: '2030-01-01T11:00:00Z' });
    expect(created.status).toBe(201);
    const earlier = await call('PATCH', `/api/v1/maintenance-windows/${created.body.id}`, { endsAt: '2029-01-01T11:00:00Z' });
    expect(earlier.body.error.fields).toEqual([{ path: 'endsAt', message: 'must be after startsAt' }]);
    const incomplete = await call('PATCH', `/api/v1/maintenance-windows/${created.body.id}`, { cron: '0 2 * * *', durationMinutes: 60 });
    expect(incomplete.body.error.fields).toEqual([{ path: 'timezone', message: 'required for a recurring window' }]);
  });
});
