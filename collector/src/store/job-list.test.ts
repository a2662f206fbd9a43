import type { JobResult } from '@vigil/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seedJob } from '../testing/jobs.js';
import { seedScript } from '../testing/scripts.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import type { JobRecord } from './jobs.js';

/** GET /api/v1/jobs reads listItems: summaries with counts per run state, targets in brief, never runs. */
describe('the job list', () => {
  let temp: ReturnType<typeof openTempStore>;

  const createJob = (id: string, createdAt: number, agentIds: string[], extra: Partial<JobRecord> = {}) =>
    seedJob(temp.store, id, agentIds, { createdAt, expiresAt: createdAt + 1000, ...extra });
  const result = (runId: string, status: JobResult['status'], stdout: string): JobResult => ({
    type: 'job.result', runId, status, exitCode: status === 'succeeded' ? 0 : 1, signal: null, stdout, stderr: '',
    stdoutTruncated: false, stderrTruncated: false, startedAt: 2, durationMs: 1,
  });

  beforeEach(() => {
    temp = openTempStore();
    for (const id of ['agt_1', 'agt_2', 'agt_3']) seedAgent(temp.store, id, { tags: ['web'] });
    seedAgent(temp.store, 'agt_globex', { tenantId: 'globex' });
    seedScript(temp.store, 'scr_1');
  });
  afterEach(() => temp.cleanup());

  it('counts each job\'s runs by state, job by job, and leaves the runs out', () => {
    const mixed = createJob('job_mixed', 10, ['agt_1', 'agt_2', 'agt_3'], { targets: { tenant: 'acme', tags: ['web'] } });
    createJob('job_fresh', 20, ['agt_1', 'agt_2']);
    temp.store.jobs.finish('agt_1', result(mixed[0]!.id, 'succeeded', 'done'), 3);
    temp.store.jobs.finish('agt_2', result(mixed[1]!.id, 'failed', 'broke'), 3);
    temp.store.jobs.markSent([mixed[2]!.id], 3);

    const items = temp.store.jobs.listItems();
    expect(items.map((j) => j.id)).toEqual(['job_fresh', 'job_mixed']);
    const byId = new Map(items.map((j) => [j.id, j]));
    expect(byId.get('job_mixed')?.counts).toEqual({
      queued: 0, sent: 1, running: 0, succeeded: 1, failed: 1, timed_out: 0, rejected: 0, error: 0, expired: 0, cancelled: 0,
    });
    expect(byId.get('job_fresh')?.counts).toMatchObject({ queued: 2, succeeded: 0, failed: 0 });
    for (const item of items) {
      expect(item).not.toHaveProperty('runs');
      expect(item).not.toHaveProperty('agentRun');
      // The same counts as the job's own summary, which the live stream reports.
      expect(item.counts).toEqual(temp.store.jobs.summary(item.id)?.counts);
    }
    expect(temp.store.jobs.listSummaries().map((j) => [j.id, j.counts])).toEqual(items.map((j) => [j.id, j.counts]));
  });

  it('reads the counts of every listed job with one grouped query, however many jobs there are', () => {
    const statementsFor = (list: () => unknown) => {
      const prepare = vi.spyOn(temp.store.db, 'prepare');
      list();
      const count = prepare.mock.calls.length;
      prepare.mockRestore();
      return count;
    };
    createJob('job_a', 1, ['agt_1']);
    createJob('job_b', 2, ['agt_1', 'agt_2']);
    const few = statementsFor(() => temp.store.jobs.listItems({ agentId: 'agt_1' }));
    for (let i = 0; i < 30; i++) createJob(`job_more_${i}`, 10 + i, ['agt_1', 'agt_3']);
    expect(temp.store.jobs.listItems({ agentId: 'agt_1' })).toHaveLength(32);
    expect(statementsFor(() => temp.store.jobs.listItems({ agentId: 'agt_1' }))).toBe(few);
    expect(statementsFor(() => temp.store.jobs.listItems())).toBe(few - 1);
  });

  it('carries the agent\'s own run, without output, only when listing one agent\'s jobs', () => {
    const both = createJob('job_both', 10, ['agt_1', 'agt_2']);
    createJob('job_other', 20, ['agt_3']);
    temp.store.jobs.finish('agt_2', result(both[1]!.id, 'succeeded', 'secret output'), 30);

    const [item] = temp.store.jobs.listItems({ agentId: 'agt_2' });
    expect(item?.id).toBe('job_both');
    expect(item?.agentRun).toEqual({
      id: both[1]!.id, jobId: 'job_both', agentId: 'agt_2', state: 'succeeded', exitCode: 0, signal: null, stdoutTruncated: false,
      stderrTruncated: false, error: null, queuedAt: 10, sentAt: null, startedAt: 2, finishedAt: 30, durationMs: 1,
    });
    expect(JSON.stringify(item)).not.toContain('secret output');
    expect(temp.store.jobs.listItems({ agentId: 'agt_1' })[0]?.agentRun).toMatchObject({ agentId: 'agt_1', state: 'queued' });
    expect(temp.store.jobs.listItems().every((j) => j.agentRun === undefined)).toBe(true);
  });

  it('still shows a job only to who sees every tenant its runs are in', () => {
    createJob('job_acme', 1, ['agt_1']);
    createJob('job_spanning', 2, ['agt_1', 'agt_globex'], { tenantId: null });
    createJob('job_globex', 3, ['agt_globex'], { tenantId: 'globex' });
    const ids = (visibleTenants: readonly string[] | null, agentId?: string) =>
      temp.store.jobs.listItems({ visibleTenants, ...(agentId ? { agentId } : {}) }).map((j) => j.id);
    expect(ids(['acme'])).toEqual(['job_acme']);
    expect(ids(['acme'], 'agt_1')).toEqual(['job_acme']);
    expect(ids(['globex'])).toEqual(['job_globex']);
    expect(ids([])).toEqual([]);
    expect(ids(null)).toEqual(['job_globex', 'job_spanning', 'job_acme']);
  });

  it('lists targets in brief, agents named by id counted, while the job itself keeps them all', () => {
    const many = Array.from({ length: 3 }, (_, i) => `agt_${i + 1}`);
    createJob('job_named', 1, many, { targets: { agentIds: many } });
    createJob('job_tagged', 2, ['agt_1', 'agt_2'], { targets: { tenant: 'acme', site: 'hq', tags: ['web'], os: 'linux' } });
    createJob('job_both_ways', 3, ['agt_1'], { targets: { tags: ['web'], agentIds: ['agt_1', 'agt_globex'] } });
    createJob('job_unrecorded', 4, ['agt_1'], { targets: null });

    const targets = Object.fromEntries(temp.store.jobs.listItems().map((j) => [j.id, j.targets]));
    expect(targets).toEqual({
      job_named: { agentIdCount: 3 },
      job_tagged: { tenant: 'acme', site: 'hq', tags: ['web'], os: 'linux' },
      job_both_ways: { tags: ['web'], agentIdCount: 2 },
      job_unrecorded: null,
    });
    expect(temp.store.jobs.get('job_named')?.targets).toEqual({ agentIds: many });
    expect(temp.store.jobs.summary('job_both_ways')?.targets).toEqual({ tags: ['web'], agentIds: ['agt_1', 'agt_globex'] });
    expect(temp.store.jobs.listSummaries().find((j) => j.id === 'job_named')?.targets).toEqual({ agentIds: many });
  });

  it('names the requesting user by id, and nobody for a token without a user or the system', () => {
    createJob('job_user', 1, ['agt_1'], { requestedBy: 'user:usr_7' });
    createJob('job_token', 2, ['agt_1'], { requestedBy: 'token:tok_boot' });
    createJob('job_runbook', 3, ['agt_1'], { requestedBy: null });
    const requested = Object.fromEntries(temp.store.jobs.listItems().map((j) => [j.id, j.requestedByUserId]));
    expect(requested).toEqual({ job_user: 'usr_7', job_token: null, job_runbook: null });
    expect(temp.store.jobs.get('job_user')).toMatchObject({ requestedByUserId: 'usr_7' });
    expect(temp.store.jobs.get('job_user')).not.toHaveProperty('requestedBy');
    // Change control still reads the full key.
    expect(temp.store.jobs.getRecord('job_token')?.requestedBy).toBe('token:tok_boot');
  });

  it('answers a hand-edited, unreadable targets value as unrecorded rather than failing the list', () => {
    createJob('job_broken', 1, ['agt_1']);
    temp.store.db.prepare("UPDATE jobs SET targets = '{not json' WHERE id = 'job_broken'").run();
    expect(temp.store.jobs.listItems()[0]).toMatchObject({ id: 'job_broken', targets: null });
    expect(temp.store.jobs.get('job_broken')?.targets).toBeNull();
  });
});
