import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedJob } from '../testing/jobs.js';
import { seedScript } from '../testing/scripts.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import type { JobRecord } from './jobs.js';

describe('listing the jobs of one agent', () => {
  let temp: ReturnType<typeof openTempStore>;

  const createJob = (id: string, createdAt: number, agentIds: string[], extra: Partial<JobRecord> = {}) => {
    seedJob(temp.store, id, agentIds, { createdAt, expiresAt: createdAt + 1000, ...extra });
  };

  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, 'agt_1');
    seedAgent(temp.store, 'agt_2');
    seedAgent(temp.store, 'agt_other', { tenantId: 'globex' });
    seedScript(temp.store, 'scr_1');
    createJob('job_only_1', 10, ['agt_1']);
    createJob('job_both', 20, ['agt_1', 'agt_2']);
    createJob('job_only_2', 30, ['agt_2']);
    createJob('job_spanning_tenants', 40, ['agt_1', 'agt_other'], { tenantId: null });
    createJob('job_finished_1', 50, ['agt_1'], { status: 'finished' });
  });
  afterEach(() => temp.cleanup());

  const ids = (filter: Parameters<typeof temp.store.jobs.list>[0]) => temp.store.jobs.list(filter).map((j) => j.id);

  it('keeps the jobs with a run on the agent, newest first, whatever else they ran on', () => {
    expect(ids({ agentId: 'agt_1' })).toEqual(['job_finished_1', 'job_spanning_tenants', 'job_both', 'job_only_1']);
    expect(ids({ agentId: 'agt_2' })).toEqual(['job_only_2', 'job_both']);
    expect(ids({ agentId: 'agt_unknown' })).toEqual([]);
    // Without the filter, every job.
    expect(ids({})).toHaveLength(5);
  });

  it('combines with the status filter, the limit and tenant visibility', () => {
    expect(ids({ agentId: 'agt_1', status: 'finished' })).toEqual(['job_finished_1']);
    expect(ids({ agentId: 'agt_1', limit: 2 })).toEqual(['job_finished_1', 'job_spanning_tenants']);
    // A job that also ran in a tenant the caller cannot see stays hidden, agent filter or not.
    expect(ids({ agentId: 'agt_1', visibleTenants: ['acme'] })).toEqual(['job_finished_1', 'job_both', 'job_only_1']);
    expect(temp.store.jobs.listSummaries({ agentId: 'agt_2', visibleTenants: ['acme'] }).map((j) => j.id)).toEqual(['job_only_2', 'job_both']);
  });

  it('carries the agent\'s own run without output, and every job\'s counts, instead of the runs', () => {
    const both = temp.store.jobs.listItems({ agentId: 'agt_2' }).find((j) => j.id === 'job_both');
    expect(both?.agentRun).toMatchObject({ jobId: 'job_both', agentId: 'agt_2', state: 'queued' });
    expect(both?.agentRun).not.toHaveProperty('stdout');
    expect(both?.counts.queued).toBe(2);
    expect(both).not.toHaveProperty('runs');
    expect(temp.store.jobs.listItems({ agentId: 'agt_2' }).map((j) => j.id)).toEqual(['job_only_2', 'job_both']);
  });
});
