import type { JobResult } from '@vigil/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedJob } from '../testing/jobs.js';
import { seedScript } from '../testing/scripts.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { likePattern } from './like-pattern.js';

describe('searching a job\'s runs', () => {
  let temp: ReturnType<typeof openTempStore>;
  const agents = ['agt_1', 'agt_2', 'agt_3', 'agt_4'];

  beforeEach(() => {
    temp = openTempStore();
    for (const id of agents) seedAgent(temp.store, id);
    const script = seedScript(temp.store, 'scr_1');
    seedJob(temp.store, 'job_1', agents, { scriptId: script.id, scriptName: script.name, digest: script.digest, expiresAt: 1000 });
    const result = (runId: string, status: JobResult['status'], stdout: string, stderr = '', error?: string): JobResult => ({
      type: 'job.result', runId, status, exitCode: status === 'succeeded' ? 0 : 1, signal: null, stdout, stderr,
      stdoutTruncated: false, stderrTruncated: false, startedAt: 2, durationMs: 1, ...(error ? { error } : {}),
    });
    temp.store.jobs.finish('agt_1', result('run_1', 'succeeded', 'disk 42% used'), 3);
    temp.store.jobs.finish('agt_2', result('run_2', 'failed', '', 'Disk 100%_full'), 3);
    temp.store.jobs.finish('agt_3', result('run_3', 'rejected', '', '', 'script is signed by key_x, which this agent does not trust'), 3);
  });
  afterEach(() => temp.cleanup());

  const search = (query: { state?: 'succeeded' | 'failed' | 'queued'; q?: string; limit?: number; offset?: number }) => {
    const page = temp.store.jobs.searchRuns('job_1', { limit: 500, offset: 0, ...query });
    return { ids: page.runs.map((r) => r.id), total: page.total };
  };

  it('finds text in stdout, stderr or the error, whatever its case', () => {
    expect(search({ q: 'disk' })).toEqual({ ids: ['run_1', 'run_2'], total: 2 });
    expect(search({ q: 'does not trust' })).toEqual({ ids: ['run_3'], total: 1 });
    expect(search({ q: 'nowhere' })).toEqual({ ids: [], total: 0 });
  });

  it('matches % and _ literally', () => {
    expect(search({ q: '%' })).toEqual({ ids: ['run_1', 'run_2'], total: 2 });
    expect(search({ q: '%_' })).toEqual({ ids: ['run_2'], total: 1 });
    expect(search({ q: 'y_x' })).toEqual({ ids: ['run_3'], total: 1 });
    expect(search({ q: 'y%x' })).toEqual({ ids: [], total: 0 });
    expect(likePattern('a\\b%c_')).toBe('%a\\\\b\\%c\\_%');
  });

  it('filters by state and pages, with the total of all that match', () => {
    expect(search({ state: 'queued' })).toEqual({ ids: ['run_4'], total: 1 });
    expect(search({ state: 'failed', q: 'disk' })).toEqual({ ids: ['run_2'], total: 1 });
    expect(search({ limit: 2 })).toEqual({ ids: ['run_1', 'run_2'], total: 4 });
    expect(search({ limit: 2, offset: 2 })).toEqual({ ids: ['run_3', 'run_4'], total: 4 });
  });
});
