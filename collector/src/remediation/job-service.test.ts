import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Script } from '@vigil/shared';
import { ConnectionRegistry } from '../gateway/connection-registry.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { JobService } from './job-service.js';

describe('JobService.create across tenants', () => {
  let temp: ReturnType<typeof openTempStore>;
  let jobs: JobService;
  const script = (id: string, tenantId: string | null): Script =>
    ({ id, name: id, shell: 'sh', body: 'true', args: [], env: {}, timeoutSec: 10, os: ['linux'], tenantId, createdAt: 1 });

  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, 'agt_a', { tenantId: 'acme' });
    seedAgent(temp.store, 'agt_g', { tenantId: 'globex' });
    temp.store.scripts.insert(script('scr_shared', null));
    temp.store.scripts.insert(script('scr_acme', 'acme'));
    jobs = new JobService(temp.store, new ConnectionRegistry(), pino({ level: 'silent' }), () => 5);
  });
  afterEach(() => temp.cleanup());

  const create = (scriptId: string, agentIds: string[], visibleTenants: string[] | null = null) =>
    jobs.create({ scriptId, agentIds, createdBy: 'ann', visibleTenants });

  it('stores the one tenant of its agents, or none when they span several', () => {
    expect(create('scr_shared', ['agt_a']).tenantId).toBe('acme');
    expect(create('scr_shared', ['agt_a', 'agt_g']).tenantId).toBeNull();
  });

  it('answers another tenant\'s agent as if it did not exist', () => {
    expect(() => create('scr_shared', ['agt_a', 'agt_g'], ['acme'])).toThrow(expect.objectContaining({ statusCode: 404, message: 'agent agt_g does not exist' }));
    expect(() => create('scr_shared', ['agt_nobody'], ['acme'])).toThrow(expect.objectContaining({ statusCode: 404, message: 'agent agt_nobody does not exist' }));
    expect(temp.store.jobs.list()).toEqual([]);
  });

  it('answers another tenant\'s script as if it did not exist', () => {
    expect(() => create('scr_acme', ['agt_g'], ['globex'])).toThrow(expect.objectContaining({ statusCode: 400, message: 'invalid body: scriptId: script scr_acme does not exist' }));
  });

  it('runs a tenant\'s script on that tenant\'s agents only', () => {
    expect(() => create('scr_acme', ['agt_a', 'agt_g'])).toThrow(expect.objectContaining({
      statusCode: 400, message: 'invalid body: agentIds: script scr_acme belongs to tenant acme; agent agt_g is of tenant globex',
    }));
    expect(create('scr_acme', ['agt_a'], ['acme']).runs.map((r) => r.agentId)).toEqual(['agt_a']);
  });

  it('records the job inside the transaction that stores it', () => {
    const seen: Array<{ id: string; agents: number; stored: boolean }> = [];
    const job = jobs.create({
      scriptId: 'scr_shared', agentIds: ['agt_a', 'agt_g', 'agt_a'], createdBy: 'ann',
      onCreated: (created, agents) => seen.push({ id: created.id, agents, stored: temp.store.jobs.getRecord(created.id) !== undefined }),
    });
    expect(seen).toEqual([{ id: job.id, agents: 2, stored: true }]);
  });

  it('does not keep a job whose record failed', () => {
    expect(() => jobs.create({ scriptId: 'scr_shared', agentIds: ['agt_a'], createdBy: 'ann', onCreated: () => { throw new Error('disk full'); } })).toThrow('disk full');
    expect(temp.store.jobs.list()).toEqual([]);
  });
});
