import { generateSigningKeyPair, signDocument } from '@vigil/shared';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionRegistry } from '../gateway/connection-registry.js';
import { connectFakeAgent } from '../testing/fake-agents.js';
import { seedScript, unsignedManifest } from '../testing/scripts.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { requesterKey } from './approval-rules.js';
import { JobEvents, type RunFinished } from './job-events.js';
import { JobService } from './job-service.js';

describe('JobService', () => {
  let temp: ReturnType<typeof openTempStore>;
  let registry: ConnectionRegistry;
  let jobs: JobService;
  let finished: RunFinished[];
  const ann = requesterKey({ userId: 'usr_ann', tokenId: 'tok_1' });
  const bob = requesterKey({ userId: 'usr_bob', tokenId: 'tok_2' });

  beforeEach(() => {
    temp = openTempStore();
    registry = new ConnectionRegistry();
    seedAgent(temp.store, 'agt_a', { tenantId: 'acme' });
    seedAgent(temp.store, 'agt_b', { tenantId: 'acme' });
    seedAgent(temp.store, 'agt_g', { tenantId: 'globex' });
    seedScript(temp.store, 'scr_shared');
    seedScript(temp.store, 'scr_acme', { tenantId: 'acme' });
    seedScript(temp.store, 'scr_gated', { requiresApproval: true });
    finished = [];
    const events = new JobEvents((err) => { throw err; });
    events.subscribe((event) => finished.push(event));
    jobs = new JobService({ store: temp.store, registry, events, log: pino({ level: 'silent' }), now: () => 5 });
  });
  afterEach(() => temp.cleanup());

  const create = (scriptId: string, agentIds: string[], visibleTenants: string[] | null = null) =>
    jobs.create({ scriptId, agentIds, createdBy: 'ann', requestedBy: ann, visibleTenants });

  describe('create', () => {
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

    it('records the job inside the transaction that stores it, and keeps nothing when that fails', () => {
      const seen: Array<{ id: string; agents: number; stored: boolean }> = [];
      const job = jobs.create({
        scriptId: 'scr_shared', agentIds: ['agt_a', 'agt_g', 'agt_a'], createdBy: 'ann',
        onCreated: (created, agents) => seen.push({ id: created.id, agents, stored: temp.store.jobs.getRecord(created.id) !== undefined }),
      });
      expect(seen).toEqual([{ id: job.id, agents: 2, stored: true }]);
      expect(() => jobs.create({ scriptId: 'scr_shared', agentIds: ['agt_a'], createdBy: 'ann', onCreated: () => { throw new Error('disk full'); } })).toThrow('disk full');
      expect(temp.store.jobs.list()).toHaveLength(1);
    });

    it('keeps the targets as the request gave them, and the requesting user', () => {
      const tagged = jobs.create({ scriptId: 'scr_shared', targets: { tenant: 'acme', tags: ['server'] }, createdBy: 'ann', requestedBy: ann });
      expect(tagged.runs.map((r) => r.agentId)).toEqual(['agt_a', 'agt_b']);
      expect(temp.store.jobs.get(tagged.id)).toMatchObject({ targets: { tenant: 'acme', tags: ['server'] }, requestedByUserId: 'usr_ann' });
      // The older top-level agentIds are targets.agentIds, kept as given (a repeat included).
      expect(create('scr_shared', ['agt_b', 'agt_a', 'agt_b']).targets).toEqual({ agentIds: ['agt_b', 'agt_a', 'agt_b'] });
      expect(jobs.create({ scriptId: 'scr_shared', targets: { tenant: 'acme' }, agentIds: ['agt_a'], createdBy: 'ann' }).targets)
        .toEqual({ tenant: 'acme', agentIds: ['agt_a'] });
      // The system (a runbook) and a token without a user name no user.
      const bootstrap = requesterKey({ userId: null, tokenId: 'tok_boot' });
      expect(jobs.create({ scriptId: 'scr_shared', agentIds: ['agt_a'], createdBy: 'admin', requestedBy: bootstrap }).requestedByUserId).toBeNull();
      expect(jobs.create({ scriptId: 'scr_shared', agentIds: ['agt_a'], createdBy: 'runbook:rbk_1' }).requestedByUserId).toBeNull();
    });

    it('runs the latest version unless told which, with its digest', () => {
      temp.store.scripts.addVersion('scr_shared', { manifest: unsignedManifest({ name: 'scr_shared', version: 3, body: 'echo 3' }), signature: null, createdBy: 'test', createdAt: 2 });
      const latest = create('scr_shared', ['agt_a']);
      expect(latest).toMatchObject({ version: 3, digest: temp.store.scripts.get('scr_shared')!.digest });
      expect(jobs.create({ scriptId: 'scr_shared', version: 1, agentIds: ['agt_a'], createdBy: 'ann' }).version).toBe(1);
      expect(() => jobs.create({ scriptId: 'scr_shared', version: 2, agentIds: ['agt_a'], createdBy: 'ann' }))
        .toThrow(expect.objectContaining({ statusCode: 400, message: 'invalid body: version: script scr_shared has no version 2 (the latest is 3)' }));
    });

    it('checks parameter values against the declarations, naming the parameter, and stores them coerced', () => {
      seedScript(temp.store, 'scr_params', {
        manifest: { params: [{ name: 'days', type: 'integer', required: true, min: 1, max: 30 }, { name: 'mode', type: 'enum', required: false, values: ['fast', 'full'], default: 'fast' }] },
      });
      const run = (params: Record<string, string | number | boolean>) => jobs.create({ scriptId: 'scr_params', agentIds: ['agt_a'], params, createdBy: 'ann' });
      expect(() => run({})).toThrow(expect.objectContaining({ statusCode: 400, message: 'invalid body: params: parameter days is required' }));
      expect(() => run({ days: 31 })).toThrow(expect.objectContaining({ message: 'invalid body: params: parameter days must be at most 30, got 31' }));
      expect(() => run({ days: 3, color: 'red' })).toThrow(/unknown parameter color/);
      expect(run({ days: '7' }).params).toEqual({ days: 7, mode: 'fast' });
    });

    it('replaces the arguments of unsigned scripts only', () => {
      const { publicKey: _p, keyId: _k, privateKeyPem } = generateSigningKeyPair();
      const manifest = unsignedManifest({ name: 'signed', args: ['--fixed'] });
      temp.store.scripts.insert({ id: 'scr_signed', tenantId: null, requiresApproval: false, manifest, signature: signDocument(manifest, privateKeyPem), createdBy: 'test', createdAt: 1 });
      expect(() => jobs.create({ scriptId: 'scr_signed', agentIds: ['agt_a'], args: ['--other'], createdBy: 'ann' }))
        .toThrow(expect.objectContaining({ statusCode: 400, message: expect.stringMatching(/^invalid body: args: script scr_signed is signed/) }));
      expect(jobs.create({ scriptId: 'scr_shared', agentIds: ['agt_a'], args: ['-v'], createdBy: 'ann' }).args).toEqual(['-v']);
    });
  });

  describe('approvals', () => {
    const gated = () => jobs.create({ scriptId: 'scr_gated', agentIds: ['agt_a', 'agt_b'], createdBy: 'ann', requestedBy: ann });

    it('holds a job of a script that requires approval, and sends nothing', () => {
      const agent = connectFakeAgent(registry, 'agt_a');
      const job = gated();
      jobs.pump();
      expect(job).toMatchObject({ status: 'awaiting_approval', approval: { required: true, decision: null } });
      expect(agent.dispatches()).toEqual([]);
      expect(jobs.create({ scriptId: 'scr_shared', agentIds: ['agt_a'], createdBy: 'runbook:rbk_1', approvalRequired: true }).status).toBe('awaiting_approval');
    });

    it('never lets the requester decide, through any of their tokens', () => {
      const job = gated();
      const sameUserOtherToken = requesterKey({ userId: 'usr_ann', tokenId: 'tok_9' });
      expect(() => jobs.decide(job.id, { approved: true, approver: sameUserOtherToken, approverName: 'ann', comment: null }))
        .toThrow(expect.objectContaining({ statusCode: 403, message: `forbidden: job ${job.id} needs an approver other than the requester` }));
      expect(() => jobs.decide(job.id, { approved: false, approver: ann, approverName: 'ann', comment: null })).toThrow(expect.objectContaining({ statusCode: 403 }));
      expect(temp.store.jobs.getRecord(job.id)?.status).toBe('awaiting_approval');
    });

    it('lets the bootstrap token approve others\' jobs but never its own', () => {
      const bootstrap = requesterKey({ userId: null, tokenId: 'tok_boot' });
      const own = jobs.create({ scriptId: 'scr_gated', agentIds: ['agt_a'], createdBy: 'admin', requestedBy: bootstrap });
      expect(() => jobs.decide(own.id, { approved: true, approver: bootstrap, approverName: 'admin', comment: null })).toThrow(expect.objectContaining({ statusCode: 403 }));
      expect(jobs.decide(gated().id, { approved: true, approver: bootstrap, approverName: 'admin', comment: null }).status).toBe('active');
      const byRunbook = jobs.create({ scriptId: 'scr_shared', agentIds: ['agt_a'], createdBy: 'runbook:rbk_1', approvalRequired: true });
      expect(jobs.decide(byRunbook.id, { approved: true, approver: ann, approverName: 'ann', comment: null }).status).toBe('active');
    });

    it('starts an approved job and records who approved it', () => {
      const agent = connectFakeAgent(registry, 'agt_a');
      const job = gated();
      const decided = jobs.decide(job.id, { approved: true, approver: bob, approverName: 'bob', comment: 'go' });
      expect(decided).toMatchObject({ status: 'active', approval: { required: true, decidedBy: 'bob', decidedAt: 5, decision: 'approved', comment: 'go' } });
      jobs.pump();
      expect(agent.dispatches().map((d) => d.agentId)).toEqual(['agt_a']);
      expect(() => jobs.decide(job.id, { approved: true, approver: bob, approverName: 'bob', comment: null }))
        .toThrow(expect.objectContaining({ statusCode: 409, message: `job ${job.id} is not awaiting approval: it is active` }));
    });

    it('cancels every run of a rejected job, and says so', () => {
      const job = gated();
      const decided = jobs.decide(job.id, { approved: false, approver: bob, approverName: 'bob', comment: 'not today' });
      expect(decided.status).toBe('rejected');
      expect(decided.runs.map((r) => [r.state, r.error])).toEqual([['cancelled', 'rejected by bob: not today'], ['cancelled', 'rejected by bob: not today']]);
      expect(finished.map((e) => [e.agentId, e.state])).toEqual([['agt_a', 'cancelled'], ['agt_b', 'cancelled']]);
    });
  });

  describe('cancel', () => {
    it('cancels queued runs, tells agents to stop the ones under way, and refuses a second time', () => {
      const a = connectFakeAgent(registry, 'agt_a');
      const job = create('scr_shared', ['agt_a', 'agt_b']);
      jobs.pump();
      const runA = a.dispatches()[0]!.runId;
      const cancelled = jobs.cancel(job.id, 'ann');
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.runs.map((r) => [r.agentId, r.state])).toEqual([['agt_a', 'sent'], ['agt_b', 'cancelled']]);
      expect(a.received.at(-1)).toEqual({ type: 'job.cancel', runId: runA });
      expect(finished.map((e) => [e.agentId, e.state])).toEqual([['agt_b', 'cancelled']]);
      // The stopped run's final state comes from its agent.
      jobs.onResult('agt_a', { type: 'job.result', runId: runA, status: 'failed', exitCode: null, signal: 'SIGTERM', stdout: '', stderr: '', stdoutTruncated: false, stderrTruncated: false, startedAt: 5, durationMs: 1, error: 'cancelled' }, 6);
      expect(temp.store.jobs.get(job.id)?.counts).toMatchObject({ failed: 1, cancelled: 1 });
      expect(() => jobs.cancel(job.id, 'ann')).toThrow(expect.objectContaining({ statusCode: 409 }));
    });

    it('tells an agent that reconnects to stop a run of a cancelled job', () => {
      const a = connectFakeAgent(registry, 'agt_a');
      const job = create('scr_shared', ['agt_a']);
      jobs.pump();
      a.disconnect();
      jobs.cancel(job.id, 'ann');
      const again = connectFakeAgent(registry, 'agt_a');
      jobs.agentConnected('agt_a');
      expect(again.received).toEqual([{ type: 'job.cancel', runId: job.runs[0]!.id }]);
    });
  });
});
