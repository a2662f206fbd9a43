/**
 * Automatic remediation with real processes on loopback: a real collector and a real agent whose
 * textfile source reads custom metrics from `*.prom` files the test (and the runbooks' scripts)
 * write. A rule on `custom.<x>_up < 1` opens an alert; its runbook's script runs on the agent; the
 * verify stage waits for a frame sent after the script finished and resolves the alert itself, or
 * escalates it with the outcome attached; the hourly caps stop a runbook that does not help from
 * running again. Scripts are unsigned manifests with declared parameters, which the agent runs in
 * development mode (--allow-unsigned, loopback only).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertFeedMessage, Job, JobList, RunbookRun } from '@vigil/shared';
import { enrollAgent } from '../helpers/agent.js';
import { openFeed, type FeedClient } from '../helpers/alert-feed.js';
import { startNode, type Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { AGENT_BIN } from '../helpers/paths.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

describe('runbooks remediate, verify on fresh telemetry, escalate, and never loop', () => {
  const tmp = makeTempDir('runbooks');
  const textfiles = join(tmp.path, 'textfile');
  let collector: TestCollector;
  let agent: Child;
  let agentId: string;
  let feed: FeedClient;

  /** What the custom metric `custom.<name>` reports from the next frame on (written whole, as a real exporter would). */
  const report = (name: string, value: number) => {
    writeFileSync(join(textfiles, `${name}.prom.tmp`), `${name} ${value}\n`);
    renameSync(join(textfiles, `${name}.prom.tmp`), join(textfiles, `${name}.prom`));
  };

  /** An unsigned manifest declaring a `dir` parameter: the agent passes its value as VIGIL_PARAM_DIR. */
  const addScript = async (name: string, body: string) => {
    const res = await collector.api('POST', '/api/v1/scripts', {
      tenant: 'acme', signature: null,
      manifest: {
        kind: 'vigil.script', name, version: 1, shell: 'sh', body, os: ['linux'], timeoutSec: 30,
        params: [{ name: 'dir', type: 'string', required: true }],
      },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  /** A one-step runbook with a rule on `custom.<metric> < 1` naming it; the rule holds its alert open once clear, so only the runbook resolves it. */
  const remediate = async (metric: string, scriptId: string, runbook: Record<string, unknown> = {}) => {
    const created = await collector.api('POST', '/api/v1/runbooks', {
      name: `Fix ${metric}`, tenant: 'acme', steps: [{ scriptId, params: { dir: textfiles }, timeout: '1m' }], verify: { within: '20s' }, ...runbook,
    });
    expect(created.status).toBe(201);
    const rule = await collector.api('POST', '/api/v1/rules', {
      name: `${metric} down`, metric: `custom.${metric}`, op: '<', threshold: 1, forSamples: 1, priority: 'P2', holdFor: '10m',
      scope: { tenant: 'acme' }, runbookId: created.body.id,
    });
    expect(rule.status).toBe(201);
    return { runbookId: created.body.id as string, ruleId: rule.body.id as string };
  };

  const runsOf = async (alertId: string) => (await collector.api('GET', `/api/v1/runbook-runs?alertId=${alertId}`)).body.runs as RunbookRun[];
  const finishedRun = (alertId: string, state: RunbookRun['state']) => waitFor(`a ${state} runbook run for ${alertId}`, async () => (await runsOf(alertId)).find((r) => r.state === state), 45_000);
  const openedAlert = async (ruleId: string, occurrences = 1) => {
    const opened = await feed.next(`alert.opened of rule ${ruleId} (occurrence ${occurrences})`, (m) => m.type === 'alert.opened' && m.alert.ruleId === ruleId && m.alert.occurrences === occurrences);
    return (opened as { alert: Alert }).alert;
  };

  beforeAll(async () => {
    mkdirSync(textfiles, { recursive: true });
    for (const name of ['app_up', 'db_up', 'worker_up']) report(name, 1);
    collector = await startTestCollector(join(tmp.path, 'data'));
    const token = await collector.enrollToken('acme', 'hq', ['--max-uses', '1']);
    agentId = await enrollAgent(collector.url, token, join(tmp.path, 'agent'));
    agent = startNode(AGENT_BIN, ['run', '--state', join(tmp.path, 'agent'), '--interval', '1s', '--allow-unsigned', '--textfile-dir', textfiles], { VIGIL_LOG_LEVEL: 'info' });
    feed = await openFeed(collector.wsUrl, collector.adminToken);
    await waitFor('the custom metric stored', async () => {
      const { body } = await collector.api('GET', `/api/v1/agents/${agentId}/telemetry?metric=custom.app_up`);
      return body.samples?.length > 0;
    });
  });

  afterAll(async () => {
    feed?.close();
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('fixes what broke, sees the fix in a later frame, and resolves the alert itself', async () => {
    const scriptId = await addScript('Start app', 'printf "app_up 1\\n" > "$VIGIL_PARAM_DIR/app_up.prom.new" && mv "$VIGIL_PARAM_DIR/app_up.prom.new" "$VIGIL_PARAM_DIR/app_up.prom"\necho "app started"\n');
    const { runbookId, ruleId } = await remediate('app_up', scriptId);
    report('app_up', 0);
    const alert = await openedAlert(ruleId);
    expect(alert).toMatchObject({ agentId, metric: 'custom.app_up', value: 0, state: 'open' });

    const resolved = await feed.next('alert.resolved by the runbook', (m) => m.type === 'alert.resolved' && m.alert.id === alert.id, 45_000);
    const run = await finishedRun(alert.id, 'resolved');
    expect((resolved as { alert: Alert }).alert).toMatchObject({
      state: 'resolved', resolvedBy: `runbook:${runbookId}`, comment: `resolved by runbook Fix app_up: condition cleared after step 1`,
      remediation: { runbookRunId: run.id, runbookId, state: 'resolved', outcome: 'condition cleared after step 1' },
    });
    expect(run).toMatchObject({ runbookId, agentId, tenantId: 'acme', stepIndex: 0, outcome: 'condition cleared after step 1', jobIds: [expect.any(String)] });
    expect(run.output).toBe('== step 1 (Start app): succeeded ==\napp started\n');

    // The step's job ran the script with the runbook's parameter, and names its runbook run.
    const job = (await collector.api('GET', `/api/v1/jobs/${run.jobIds[0]}`)).body as Job;
    expect(job).toMatchObject({ createdBy: `runbook:${runbookId}`, alertId: alert.id, runbookRunId: run.id, params: { dir: textfiles } });
    expect(job.runs[0]).toMatchObject({ state: 'succeeded', exitCode: 0 });
    // Verified on telemetry received after the step finished: the agent's fresh value clears the rule.
    const samples = (await collector.api('GET', `/api/v1/agents/${agentId}/telemetry?metric=custom.app_up&since=${job.runs[0]!.finishedAt}`)).body.samples as Array<{ value: number }>;
    expect(samples.some((s) => s.value === 1)).toBe(true);

    const audit = (await collector.api('GET', `/api/v1/audit?targetId=${run.id}`)).body.entries as Array<{ action: string; actorType: string; actorId: string }>;
    expect(audit.map((e) => e.action).sort()).toEqual(['runbook_run.resolved', 'runbook_run.started']);
    expect(audit.every((e) => e.actorType === 'system' && e.actorId === runbookId)).toBe(true);
  });

  it('escalates the alert with the outcome and output attached when the script fails', async () => {
    const scriptId = await addScript('Restart database', 'echo "stopping database"\necho "database refused to start" >&2\nexit 1\n');
    const { runbookId, ruleId } = await remediate('db_up', scriptId);
    report('db_up', 0);
    const alert = await openedAlert(ruleId);
    expect(alert.escalationLevel).toBe(1);

    const escalated = await feed.next('alert.escalated by the failed runbook', (m) => m.type === 'alert.escalated' && m.alert.id === alert.id, 45_000);
    expect(escalated).toMatchObject({ level: 2, alert: { escalationLevel: 2, state: 'open' } });
    const run = await finishedRun(alert.id, 'escalated');
    expect(run).toMatchObject({ runbookId, outcome: 'step 1 failed: exit code 1' });
    expect(run.output).toBe('== step 1 (Restart database): exit code 1 ==\nstopping database\n-- stderr --\ndatabase refused to start\n');
    const attached = { runbookRunId: run.id, runbookId, state: 'escalated', outcome: 'step 1 failed: exit code 1', output: run.output };
    expect((escalated as Extract<AlertFeedMessage, { type: 'alert.escalated' }>).alert.remediation).toMatchObject(attached);
    expect((await collector.api('GET', `/api/v1/alerts/${alert.id}`)).body).toMatchObject({ escalationLevel: 2, state: 'open', remediation: attached });
    const audit = (await collector.api('GET', `/api/v1/audit?action=runbook_run.escalated&targetId=${run.id}`)).body.entries;
    expect(audit).toEqual([expect.objectContaining({ actorId: runbookId, tenantId: 'acme', after: expect.objectContaining({ level: 2 }) })]);
  });

  it('caps a runbook that does not help: the alert fires again, a capped run is recorded, and no job runs', async () => {
    const scriptId = await addScript('Nudge worker', 'echo "nudged the worker"\n');
    const { runbookId, ruleId } = await remediate('worker_up', scriptId, { maxRunsPerAlertPerHour: 1, maxRunsPerAgentPerHour: 2, verify: { within: '3s' } });
    report('worker_up', 0);
    const alert = await openedAlert(ruleId);
    // The script succeeds, but the worker stays down: verification gives up and escalates.
    const first = await finishedRun(alert.id, 'escalated');
    expect(first.outcome).toBe('condition still present 3s after step 1');

    // Someone resolves it by hand; still broken, the next frame re-opens the same alert, which fires again.
    expect((await collector.api('POST', `/api/v1/alerts/${alert.id}/resolve`, { comment: 'restarting the worker host' })).status).toBe(200);
    await openedAlert(ruleId, 2);
    const capped = await finishedRun(alert.id, 'capped');
    expect(capped).toMatchObject({ runbookId, outcome: 'capped: 1 run per alert per hour', jobIds: [] });
    expect((await collector.api('GET', `/api/v1/alerts/${alert.id}`)).body).toMatchObject({
      state: 'open', occurrences: 2, remediation: { runbookRunId: capped.id, state: 'capped', outcome: 'capped: 1 run per alert per hour' },
    });
    // Only the first run made a job.
    const jobs = ((await collector.api('GET', `/api/v1/jobs?alertId=${alert.id}`)).body as JobList).jobs;
    expect(jobs.map((j) => j.runbookRunId)).toEqual([first.id]);
    expect((await collector.api('GET', `/api/v1/audit?action=runbook_run.capped&targetId=${capped.id}`)).body.entries).toHaveLength(1);
  });
});
