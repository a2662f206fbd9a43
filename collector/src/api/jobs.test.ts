import { JobListSchema, JobSchema, JobSummarySchema } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTenantWorld, type TenantWorld, type TestCaller } from '../testing/tenant-callers.js';

/** The jobs API as the console and the CLI read it: small lists, the job's targets, who asked for it. */
describe('the jobs API', () => {
  let world: TenantWorld;
  let owner: TestCaller;
  let acmeTech: TestCaller;
  let web: string;
  let db: string;
  let scriptId: string;

  beforeAll(async () => {
    world = await startTenantWorld();
    owner = world.caller('owner', []);
    acmeTech = world.caller('technician', ['acme']);
    web = world.agent('acme', 'hq', { tags: ['web'] });
    db = world.agent('acme', 'hq', { tags: ['db'] });
    world.agent('globex', 'hq', { tags: ['web'] });
    scriptId = (await world.call(owner, 'POST', '/api/v1/scripts', { name: 'uptime', shell: 'sh', body: 'uptime\n', os: ['linux'] })).body.id;
  });
  afterAll(() => world?.close());

  it('keeps the targets a job was created with and the user who asked for it', async () => {
    const created = await world.call(acmeTech, 'POST', '/api/v1/jobs', { scriptId, targets: { tenant: 'acme', tags: ['web'] } });
    expect(created.status).toBe(201);
    expect(JobSchema.parse(created.body)).toMatchObject({ targets: { tenant: 'acme', tags: ['web'] }, requestedByUserId: acmeTech.userId });
    expect(created.body.runs.map((r: { agentId: string }) => r.agentId)).toEqual([web]);
    const legacy = await world.call(acmeTech, 'POST', '/api/v1/jobs', { scriptId, agentIds: [web, db] });
    expect(legacy.body.targets).toEqual({ agentIds: [web, db] });
  });

  it('lists summaries with counts and targets in brief, and one agent\'s own run with ?agentId=', async () => {
    const named = (await world.call(acmeTech, 'POST', '/api/v1/jobs', { scriptId, targets: { agentIds: [web, db] } })).body;
    const listed = await world.call(acmeTech, 'GET', '/api/v1/jobs');
    expect(listed.status).toBe(200);
    const { jobs } = JobListSchema.parse(listed.body);
    const item = jobs.find((j) => j.id === named.id);
    expect(item).toMatchObject({ targets: { agentIdCount: 2 }, requestedByUserId: acmeTech.userId, counts: { queued: 2 } });
    for (const job of listed.body.jobs) {
      expect(job).not.toHaveProperty('runs');
      expect(job).not.toHaveProperty('agentRun');
    }

    const ofDb = JobListSchema.parse((await world.call(acmeTech, 'GET', `/api/v1/jobs?agentId=${db}`)).body).jobs;
    expect(ofDb.map((j) => j.id)).toContain(named.id);
    for (const job of ofDb) {
      expect(job.agentRun).toMatchObject({ agentId: db, jobId: job.id, state: 'queued' });
      expect(job.agentRun).not.toHaveProperty('stdout');
    }
  });

  it('answers a job without its runs when asked (?runs=false)', async () => {
    const job = (await world.call(acmeTech, 'POST', '/api/v1/jobs', { scriptId, agentIds: [web] })).body;
    const header = await world.call(acmeTech, 'GET', `/api/v1/jobs/${job.id}?runs=false`);
    expect(header.status).toBe(200);
    expect(header.body).not.toHaveProperty('runs');
    expect(JobSummarySchema.parse(header.body)).toMatchObject({ id: job.id, counts: { queued: 1 }, targets: { agentIds: [web] } });
    expect((await world.call(acmeTech, 'GET', `/api/v1/jobs/${job.id}?runs=true`)).body.runs).toHaveLength(1);
    const bad = await world.call(acmeTech, 'GET', `/api/v1/jobs/${job.id}?runs=no`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields?.[0]?.path).toBe('runs');
  });
});
