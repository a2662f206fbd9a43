import { AgentDetailSchema, AgentSchema, FleetResponseSchema } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTenantWorld, type TenantWorld, type TestCaller } from '../testing/tenant-callers.js';

/** What an agent last said about its spool, as the agent views and the fleet list serve it. */
describe('agent spool reports in the API', () => {
  let world: TenantWorld;
  let owner: TestCaller;
  let reporting: string;
  let silent: string;

  beforeAll(async () => {
    world = await startTenantWorld();
    owner = world.caller('owner', []);
    reporting = world.agent('acme');
    silent = world.agent('acme');
    world.store.agents.setSpool(reporting, { dropped: 42, depth: 7 });
  });
  afterAll(() => world?.close());

  it('serves the latest report on the agent, and null for an agent that never sent one', async () => {
    const detail = AgentDetailSchema.parse((await world.call(owner, 'GET', `/api/v1/agents/${reporting}`)).body);
    expect(detail.spool).toEqual({ dropped: 42, depth: 7 });
    expect(AgentDetailSchema.parse((await world.call(owner, 'GET', `/api/v1/agents/${silent}`)).body).spool).toBeNull();

    const listed = new Map((await world.call(owner, 'GET', '/api/v1/agents')).body.agents.map((a: unknown) => {
      const agent = AgentSchema.parse(a);
      return [agent.id, agent.spool];
    }));
    expect(listed.get(reporting)).toEqual({ dropped: 42, depth: 7 });
    expect(listed.get(silent)).toBeNull();
  });

  it('serves it in the fleet list, leaving it out for an agent that never sent one', async () => {
    const fleet = FleetResponseSchema.parse((await world.call(owner, 'GET', '/api/v1/fleet')).body);
    const rows = new Map(fleet.agents.map((row) => [row.id, row]));
    expect(rows.get(reporting)?.spool).toEqual({ dropped: 42, depth: 7 });
    expect(rows.get(silent)).not.toHaveProperty('spool');
  });
});
