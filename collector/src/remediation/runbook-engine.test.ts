import type { Sample } from '@vigil/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRunbookHarness, WEB, type RunbookHarness } from '../testing/runbook-harness.js';

const disk = (value: number, mount = '/'): Sample => ({ metric: 'disk.used_pct', value, labels: { mount } });
const SEC = 1000;
const MIN = 60 * SEC;

describe('the runbook engine', () => {
  let h: RunbookHarness;

  beforeEach(() => {
    h = openRunbookHarness();
    h.script('scr_clean', { manifest: { name: 'Clean temp' } });
    h.script('scr_restart', { manifest: { name: 'Restart app' } });
    h.engine.start();
  });
  afterEach(() => h.cleanup());

  const alertId = () => h.store.alerts.list({ agentId: WEB.agentId })[0]!.id;
  const lastRun = () => h.runs().at(-1)!;
  const currentJob = () => lastRun().jobIds.at(-1)!;

  it('runs the steps in order, then resolves the alert on fresh telemetry that clears it', () => {
    h.runbook('rbk_fix', [{ scriptId: 'scr_clean' }, { scriptId: 'scr_restart' }]);
    h.rule({ runbookId: 'rbk_fix' });
    h.frame([disk(95)]);
    const id = alertId();
    expect(lastRun()).toMatchObject({ runbookId: 'rbk_fix', alertId: id, agentId: WEB.agentId, tenantId: 'acme', state: 'running', stepIndex: 0 });
    expect(h.jobsOf(id).map((j) => [j.scriptId, j.createdBy, j.runbookRunId])).toEqual([['scr_clean', 'runbook:rbk_fix', lastRun().id]]);
    // The step's job names the alert's agent as its targets, and no user asked for it.
    expect(h.jobsOf(id)[0]).toMatchObject({ targets: { agentIds: [WEB.agentId] }, requestedByUserId: null });

    h.at(10 * SEC);
    h.report(currentJob(), 'succeeded', 0, 'cleaned 3 GB\n');
    expect(lastRun()).toMatchObject({ state: 'running', stepIndex: 1 });
    expect(h.jobsOf(id).map((j) => j.scriptId)).toEqual(['scr_clean', 'scr_restart']);

    h.at(20 * SEC);
    h.report(currentJob(), 'succeeded', 0, 'restarted\n');
    expect(lastRun()).toMatchObject({ state: 'verifying', stepIndex: 1, stageStartedAt: h.now() });
    // A frame received at the very instant the step finished is not evidence of the fix.
    h.frame([disk(50)]);
    h.engine.tick();
    expect(lastRun().state).toBe('verifying');

    h.at(21 * SEC);
    h.frame([disk(50)]);
    // The rule holds its alert for an hour once clear: the runbook's verification resolves it.
    expect(h.store.alerts.get(id)!.state).toBe('open');
    h.engine.tick();
    const run = lastRun();
    expect(run).toMatchObject({ state: 'resolved', outcome: 'condition cleared after step 2', finishedAt: h.now(), stageStartedAt: null });
    expect(run.output).toBe('== step 1 (Clean temp): succeeded ==\ncleaned 3 GB\n== step 2 (Restart app): succeeded ==\nrestarted\n');
    expect(h.store.alerts.get(id)).toMatchObject({
      state: 'resolved', resolvedBy: 'runbook:rbk_fix', comment: 'resolved by runbook rbk_fix: condition cleared after step 2',
      remediation: { runbookRunId: run.id, runbookId: 'rbk_fix', runbookName: 'rbk_fix', state: 'resolved', outcome: 'condition cleared after step 2' },
    });
    const resolved = h.seen.find((e) => e.type === 'alert.resolved' && e.alert.id === id);
    expect(resolved?.alert.remediation?.state).toBe('resolved');
    expect(h.audits('runbook_run.').map((e) => [e.action, e.actorType, e.actorId, e.actorName, e.tenantId])).toEqual([
      ['runbook_run.started', 'system', 'rbk_fix', 'runbook rbk_fix', 'acme'],
      ['runbook_run.resolved', 'system', 'rbk_fix', 'runbook rbk_fix', 'acme'],
    ]);
    expect(h.audits('job.dispatched').map((e) => e.after)).toEqual([
      expect.objectContaining({ scriptId: 'scr_clean', runbookId: 'rbk_fix', alertId: id }),
      expect.objectContaining({ scriptId: 'scr_restart', runbookId: 'rbk_fix', alertId: id }),
    ]);
  });

  it('ends resolved when the rule engine resolved the alert itself meanwhile', () => {
    h.runbook('rbk_fix', [{ scriptId: 'scr_clean' }]);
    h.rule({ runbookId: 'rbk_fix', holdFor: null });
    h.frame([disk(95)]);
    h.at(5 * SEC);
    h.report(currentJob(), 'succeeded', 0);
    h.at(6 * SEC);
    h.frame([disk(50)]);
    expect(h.store.alerts.get(alertId())).toMatchObject({ state: 'resolved', resolvedBy: 'auto' });
    h.engine.tick();
    expect(lastRun()).toMatchObject({ state: 'resolved', outcome: 'condition cleared after step 1' });
    expect(h.store.alerts.get(alertId())).toMatchObject({ resolvedBy: 'auto', remediation: { state: 'resolved' } });
  });

  it('escalates the alert one level with the outcome and output attached when a stop step fails', () => {
    h.runbook('rbk_fix', [{ scriptId: 'scr_clean' }, { scriptId: 'scr_restart' }]);
    h.rule({ runbookId: 'rbk_fix' });
    h.frame([disk(95)]);
    const id = alertId();
    h.at(3 * SEC);
    h.report(currentJob(), 'failed', 1, 'working\n', 'disk is read-only\n');
    const run = lastRun();
    expect(run).toMatchObject({ state: 'escalated', outcome: 'step 1 failed: exit code 1', jobIds: [expect.any(String)] });
    expect(run.output).toBe('== step 1 (Clean temp): exit code 1 ==\nworking\n-- stderr --\ndisk is read-only\n');
    const alert = h.store.alerts.get(id)!;
    expect(alert).toMatchObject({ state: 'open', escalationLevel: 2, escalatedAt: h.now() });
    expect(alert.remediation).toEqual({
      runbookRunId: run.id, runbookId: 'rbk_fix', runbookName: 'rbk_fix', state: 'escalated', outcome: 'step 1 failed: exit code 1', output: run.output, at: h.now(),
    });
    const escalated = h.seen.filter((e) => e.type === 'alert.escalated');
    expect(escalated).toEqual([expect.objectContaining({ level: 2, alert: expect.objectContaining({ id, remediation: expect.objectContaining({ state: 'escalated' }) }) })]);
    expect(h.audits('runbook_run.escalated')[0]!.after).toMatchObject({ outcome: 'step 1 failed: exit code 1', level: 2 });
    // The second step never ran.
    expect(h.jobsOf(id)).toHaveLength(1);
  });

  it('carries on past a failed continue step', () => {
    h.runbook('rbk_fix', [{ scriptId: 'scr_clean', onFailure: 'continue' }, { scriptId: 'scr_restart' }]);
    h.rule({ runbookId: 'rbk_fix' });
    h.frame([disk(95)]);
    h.report(currentJob(), 'failed', 2);
    expect(lastRun()).toMatchObject({ state: 'running', stepIndex: 1 });
    expect(lastRun().output).toContain('== step 1 (Clean temp): exit code 2 ==');
  });

  it('fails a step that outlives its timeout, and stops its job', () => {
    h.runbook('rbk_fix', [{ scriptId: 'scr_clean', timeout: '90s' }]);
    h.rule({ runbookId: 'rbk_fix' });
    h.frame([disk(95)]);
    const job = currentJob();
    h.at(89 * SEC);
    h.engine.tick();
    expect(lastRun().state).toBe('running');
    h.at(90 * SEC);
    h.engine.tick();
    expect(lastRun()).toMatchObject({ state: 'escalated', outcome: 'step 1 failed: timed out after 1m30s' });
    expect(h.store.jobs.getRecord(job)!.status).toBe('cancelled');
    expect(h.store.alerts.get(alertId())!.escalationLevel).toBe(2);
  });

  it('escalates when verification sees no telemetry, or the condition still there, in time', () => {
    h.runbook('rbk_fix', [{ scriptId: 'scr_clean' }], { within: '1m' });
    h.rule({ runbookId: 'rbk_fix' });
    h.frame([disk(95)]);
    h.report(currentJob(), 'succeeded', 0);
    h.at(30 * SEC);
    h.frame([disk(96)]);
    h.engine.tick();
    expect(lastRun().state).toBe('verifying');
    h.at(MIN);
    h.engine.tick();
    expect(lastRun()).toMatchObject({ state: 'escalated', outcome: 'condition still present 1m after step 1' });
  });

  it('caps runs per alert per hour: the re-opened alert records a capped run and starts no job', () => {
    h.runbook('rbk_fix', [{ scriptId: 'scr_clean' }], { maxRunsPerAlertPerHour: 1, maxRunsPerAgentPerHour: 2 });
    h.rule({ runbookId: 'rbk_fix', holdFor: null });
    h.frame([disk(95)]);
    const id = alertId();
    h.report(currentJob(), 'failed', 1);
    expect(lastRun().state).toBe('escalated');
    h.alerts.resolveByHand(id, 'ann', null, h.now());
    h.at(10 * MIN);
    h.frame([disk(97)]);
    // The same alert re-opens (continuation) and fires again: over the per-alert cap.
    expect(h.store.alerts.get(id)).toMatchObject({ state: 'open', occurrences: 2 });
    expect(lastRun()).toMatchObject({ state: 'capped', outcome: 'capped: 1 run per alert per hour', jobIds: [], finishedAt: h.now() });
    expect(h.jobsOf(id)).toHaveLength(1);
    expect(h.store.alerts.get(id)!.remediation).toMatchObject({ state: 'capped', outcome: 'capped: 1 run per alert per hour' });
    expect(h.audits('runbook_run.capped')).toHaveLength(1);

    // An hour after the first run, it may run again.
    h.alerts.resolveByHand(id, 'ann', null, h.now());
    h.at(61 * MIN);
    h.frame([disk(98)]);
    expect(lastRun().state).toBe('running');
  });

  it('caps runs per agent per hour across its alerts, capped runs not counting', () => {
    h.runbook('rbk_fix', [{ scriptId: 'scr_clean' }], { maxRunsPerAlertPerHour: 5, maxRunsPerAgentPerHour: 2 });
    h.rule({ runbookId: 'rbk_fix' });
    h.frame([disk(95, '/a'), disk(95, '/b'), disk(95, '/c'), disk(95, '/d')]);
    expect(h.runs().map((r) => r.state).sort()).toEqual(['capped', 'capped', 'running', 'running']);
    expect(h.runs().filter((r) => r.state === 'capped').map((r) => r.outcome)).toEqual(['capped: 2 runs per agent per hour', 'capped: 2 runs per agent per hour']);
  });

  it('starts no second run for an alert while one is under way', () => {
    h.runbook('rbk_fix', [{ scriptId: 'scr_clean' }], { maxRunsPerAlertPerHour: 5 });
    h.rule({ runbookId: 'rbk_fix', holdFor: null });
    h.frame([disk(95)]);
    const first = lastRun();
    h.alerts.resolveByHand(alertId(), 'ann', null, h.now());
    h.at(SEC);
    h.frame([disk(95)]);
    expect(lastRun()).toMatchObject({ state: 'capped', outcome: `capped: run ${first.id} of this runbook is still under way for the alert` });
  });

  it('waits for approval before its first step runs, and ends rejected when an approver says no', () => {
    h.runbook('rbk_fix', [{ scriptId: 'scr_clean', timeout: '1m' }], { requiresApproval: true, maxRunsPerAlertPerHour: 5 });
    h.rule({ runbookId: 'rbk_fix', holdFor: null });
    h.frame([disk(95)]);
    expect(lastRun()).toMatchObject({ state: 'awaiting_approval', stageStartedAt: null });
    expect(h.store.jobs.getRecord(currentJob())).toMatchObject({ status: 'awaiting_approval', approval: { required: true } });
    // Waiting for a person is not the step being slow.
    h.at(10 * MIN);
    h.engine.tick();
    expect(lastRun().state).toBe('awaiting_approval');

    h.jobs.decide(currentJob(), { approved: true, approver: 'user:usr_bob', approverName: 'bob', comment: null });
    h.engine.tick();
    expect(lastRun()).toMatchObject({ state: 'running', stageStartedAt: h.now() });
    h.report(currentJob(), 'succeeded', 0);
    expect(lastRun().state).toBe('verifying');

    // The next occurrence: rejected.
    h.at(11 * MIN);
    h.frame([disk(50)]);
    h.engine.tick();
    h.frame([disk(95)]);
    expect(lastRun().state).toBe('awaiting_approval');
    h.jobs.decide(currentJob(), { approved: false, approver: 'user:usr_bob', approverName: 'bob', comment: 'not during business hours' });
    expect(lastRun()).toMatchObject({ state: 'rejected', outcome: 'step 1 rejected by bob: not during business hours' });
    expect(h.store.alerts.get(alertId())!.remediation).toMatchObject({ state: 'rejected' });
    expect(h.store.alerts.get(alertId())!.escalationLevel).toBe(1);
  });

  it('records a step whose job cannot be made as failed (a script gone, a parameter that no longer fits)', () => {
    h.runbook('rbk_fix', [{ scriptId: 'scr_clean', params: { mode: 'fast' } }]);
    h.rule({ runbookId: 'rbk_fix' });
    h.frame([disk(95)]);
    expect(lastRun()).toMatchObject({ state: 'escalated', jobIds: [] });
    expect(lastRun().outcome).toMatch(/^step 1 failed: could not start: invalid body: params: unknown parameter mode/);
  });

  it('goes on past a step that could not start when it may, and follows the next step\'s job', () => {
    h.runbook('rbk_fix', [{ scriptId: 'scr_clean', params: { mode: 'fast' }, onFailure: 'continue' }, { scriptId: 'scr_restart' }]);
    h.rule({ runbookId: 'rbk_fix' });
    h.frame([disk(95)]);
    expect(lastRun()).toMatchObject({ state: 'running', stepIndex: 1, jobIds: [expect.any(String)] });
    h.report(currentJob(), 'succeeded', 0, 'restarted\n');
    expect(lastRun().state).toBe('verifying');
    expect(lastRun().output).toBe(
      '== step 1 (scr_clean): could not start: invalid body: params: unknown parameter mode: the script declares none ==\n== step 2 (Restart app): succeeded ==\nrestarted\n',
    );
  });

  it('picks up after a restart: a result stored while it was down, and verification from stored instants', () => {
    h.runbook('rbk_fix', [{ scriptId: 'scr_clean' }]);
    h.rule({ runbookId: 'rbk_fix' });
    h.frame([disk(95)]);
    h.engine.stop();
    h.at(5 * SEC);
    h.report(currentJob(), 'succeeded', 0, 'done\n');
    expect(lastRun().state).toBe('running');

    const restarted = h.newEngine();
    try {
      h.at(6 * SEC);
      restarted.start();
      // Verification counts from when the step finished (stored with its result), not from the restart.
      expect(lastRun()).toMatchObject({ state: 'verifying', stageStartedAt: h.now() - SEC });
      h.at(3 * MIN);
      restarted.tick();
      expect(lastRun()).toMatchObject({ state: 'escalated', outcome: 'no telemetry from the agent within 2m after step 1' });
    } finally {
      restarted.stop();
    }
  });

  it('runs nothing for an alert whose rule names no runbook', () => {
    h.rule({ runbookId: null });
    h.frame([disk(95)]);
    expect(h.runs()).toEqual([]);
  });
});
