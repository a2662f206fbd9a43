import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEnrollmentToken } from '../auth/enrollment-tokens.js';
import { seedJob } from '../testing/jobs.js';
import { seedScript } from '../testing/scripts.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';

/** Lists narrowed to the tenants a caller sees: null is every tenant, a list only those. */
describe('tenant filters of the stores', () => {
  let temp: ReturnType<typeof openTempStore>;
  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, 'agt_a1', { tenantId: 'acme', tags: ['server', 'db'] });
    seedAgent(temp.store, 'agt_a2', { tenantId: 'acme', siteId: 'branch', tags: ['laptop'] });
    seedAgent(temp.store, 'agt_g1', { tenantId: 'globex', tags: ['server'] });
  });
  afterEach(() => temp.cleanup());

  const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id).sort();

  it('narrows agents to tenants, and filters them by tag and platform', () => {
    const { agents } = temp.store;
    expect(ids(agents.list({ visibleTenants: ['acme'] }))).toEqual(['agt_a1', 'agt_a2']);
    expect(ids(agents.list({ visibleTenants: [] }))).toEqual([]);
    expect(ids(agents.list({ visibleTenants: null }))).toEqual(['agt_a1', 'agt_a2', 'agt_g1']);
    expect(ids(agents.list({ tag: 'server' }))).toEqual(['agt_a1', 'agt_g1']);
    expect(ids(agents.list({ tag: 'server', visibleTenants: ['globex'] }))).toEqual(['agt_g1']);
    expect(ids(agents.list({ tag: 'serv' }))).toEqual([]);
    expect(ids(agents.list({ platform: 'linux', tenantId: 'acme', siteId: 'branch' }))).toEqual(['agt_a2']);
    expect(ids(agents.list({ platform: 'windows' }))).toEqual([]);
  });

  it('keeps the MSP-wide scripts and runbooks beside the tenants\' own', () => {
    const { scripts, runbooks } = temp.store;
    seedScript(temp.store, 'scr_shared', { manifest: { name: 'a shared' } });
    seedScript(temp.store, 'scr_acme', { tenantId: 'acme', manifest: { name: 'b acme' } });
    seedScript(temp.store, 'scr_globex', { tenantId: 'globex', manifest: { name: 'c globex' } });
    const runbook = (id: string, name: string, scriptId: string, tenantId: string | null, args: string[] | null = null) => ({
      id, name, tenantId, args, createdAt: 1, steps: [{ scriptId, params: {}, timeout: '5m', onFailure: 'stop' as const }], verify: { within: '2m' },
      maxRunsPerAlertPerHour: 1, maxRunsPerAgentPerHour: 3, requiresApproval: false,
    });
    runbooks.insert(runbook('rbk_shared', 'a', 'scr_shared', null));
    runbooks.insert(runbook('rbk_globex', 'b', 'scr_globex', 'globex', ['-v']));
    expect(ids(scripts.list(['acme']))).toEqual(['scr_acme', 'scr_shared']);
    expect(ids(scripts.list([]))).toEqual(['scr_shared']);
    expect(ids(scripts.list())).toEqual(['scr_acme', 'scr_globex', 'scr_shared']);
    expect(ids(runbooks.list(['acme']))).toEqual(['rbk_shared']);
    expect(runbooks.get('rbk_globex')).toEqual(runbook('rbk_globex', 'b', 'scr_globex', 'globex', ['-v']));
    expect(scripts.get('scr_acme')?.tenantId).toBe('acme');
  });

  it('shows a job only to who sees every tenant its runs are in', () => {
    const { jobs } = temp.store;
    const script = seedScript(temp.store, 'scr_1');
    const job = (id: string, tenantId: string | null, agents: string[], at: number) => {
      seedJob(temp.store, id, agents, { scriptId: script.id, scriptName: script.name, digest: script.digest, tenantId, createdAt: at });
    };
    job('job_acme', 'acme', ['agt_a1', 'agt_a2'], 1);
    job('job_both', null, ['agt_a1', 'agt_g1'], 2);
    job('job_globex', 'globex', ['agt_g1'], 3);
    expect(jobs.list({ visibleTenants: ['acme'] }).map((j) => j.id)).toEqual(['job_acme']);
    expect(jobs.list({ visibleTenants: ['acme', 'globex'] }).map((j) => j.id)).toEqual(['job_globex', 'job_both', 'job_acme']);
    expect(jobs.list({ visibleTenants: null }).map((j) => j.id)).toEqual(['job_globex', 'job_both', 'job_acme']);
    expect(jobs.list({ visibleTenants: [] })).toEqual([]);
    expect(jobs.tenantsOf('job_both')).toEqual(['acme', 'globex']);
    expect(jobs.tenantsOf('job_nobody')).toEqual([]);
    expect(jobs.get('job_acme')?.tenantId).toBe('acme');
  });

  it('narrows enrollment tokens to tenants', () => {
    const make = (tenant: string) => createEnrollmentToken(temp.store, { tenant, site: 'hq', tags: [], expiresInMs: 60_000, maxUses: null }, 1);
    const acme = make('acme');
    make('globex');
    expect(temp.store.tokens.listEnrollmentTokens(['acme']).map((t) => t.id)).toEqual([acme.id]);
    expect(temp.store.tokens.listEnrollmentTokens([])).toEqual([]);
    expect(temp.store.tokens.listEnrollmentTokens()).toHaveLength(2);
    expect(temp.store.tokens.getEnrollmentToken(acme.id)).toMatchObject({ tenantId: 'acme', siteId: 'hq' });
    expect(temp.store.tokens.getEnrollmentToken('enr_nobody')).toBeUndefined();
  });

  it('narrows notification deliveries to channels', () => {
    const { notifications } = temp.store;
    for (const id of ['nch_a', 'nch_b']) {
      notifications.saveChannel({
        id, name: id, kind: 'webhook', target: { url: 'http://127.0.0.1:9/hook' }, filters: { scope: {}, minPriority: 'P4', levels: [1], events: ['opened'] },
        groupWait: '0s', groupInterval: '5m', repeatInterval: '4h', enabled: true, createdAt: 1, updatedAt: 1,
      } as Parameters<typeof notifications.saveChannel>[0]);
      notifications.insertDelivery({ id: `ndl_${id}`, channelId: id, event: 'opened', alertIds: [], batch: {}, at: 1 });
    }
    expect(notifications.listDeliveries({ limit: 10, channelIds: ['nch_b'] }).map((d) => d.id)).toEqual(['ndl_nch_b']);
    expect(notifications.listDeliveries({ limit: 10, channelIds: [] })).toEqual([]);
    expect(notifications.listDeliveries({ limit: 10 })).toHaveLength(2);
  });
});
