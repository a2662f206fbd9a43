import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSigningKeyPair, type JobDispatchMessage, type JobOutputMessage, type JobResultMessage } from '@vigil/shared';
import type { JobMessage } from '../connection/job-outbox.js';
import { silentLogger } from '../log.js';
import { RunLedger } from '../state/run-ledger.js';
import { processRunning } from '../testing/process-state.js';
import { dispatchOf, manifest, signScript, testTenant } from '../testing/signed-scripts.js';
import { JobHandler, RESTARTED_MID_RUN, type JobHandlerOptions } from './job-handler.js';
import { runScript, type ScriptToRun } from './script-runner.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-jobs-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tenant = testTenant('acme');

function harness(options: Partial<JobHandlerOptions> = {}) {
  const sent: JobMessage[] = [];
  const started: ScriptToRun[] = [];
  let notify = () => {};
  const handler = new JobHandler({
    agentId: 'agt_1',
    tenantId: 'acme',
    platform: 'linux',
    trust: () => tenant.trust.document,
    logger: silentLogger(),
    send: (message) => {
      sent.push(message);
      notify();
    },
    // Every script the handler decides to run passes here first, so a refusal is seen to run nothing.
    run: (script, runOptions) => {
      started.push(script);
      return runScript(script, runOptions);
    },
    ...options,
  });
  const resultFor = (runId: string) =>
    new Promise<JobResultMessage>((resolve) => {
      const check = () => {
        const found = sent.find((m): m is JobResultMessage => m.type === 'job.result' && m.runId === runId);
        if (found) resolve(found);
      };
      notify = check;
      check();
    });
  return { handler, sent, started, resultFor };
}

const signed = (body: string, extra: Parameters<typeof manifest>[1] = {}) => signScript(manifest(body, extra), tenant.key);

describe('JobHandler: what runs', () => {
  it('runs a script signed by a pinned key: announces the start, then sends the result', async () => {
    const { handler, sent, resultFor } = harness();
    handler.handle(dispatchOf('run_1', signed('echo ok')));
    const result = await resultFor('run_1');
    expect(sent.map((m) => m.type)).toEqual(['job.started', 'job.result']);
    expect(result).toMatchObject({ status: 'succeeded', stdout: 'ok\n' });
  });

  it('sends what the script prints as job.output between job.started and job.result, when a sender for it is given', async () => {
    const live: JobOutputMessage[] = [];
    const order: string[] = [];
    const { handler, sent, resultFor } = harness({
      sendOutput: (message) => {
        live.push(message);
        order.push(message.type);
      },
      send: (message) => {
        sent.push(message);
        order.push(message.type);
      },
    });
    handler.handle(dispatchOf('run_live', signed('echo live-line; echo oops >&2')));
    // The harness's notify went with the replaced send: poll for the result.
    while (!sent.some((m) => m.type === 'job.result')) await sleep(20);
    const result = await resultFor('run_live');
    expect(order[0]).toBe('job.started');
    expect(order.at(-1)).toBe('job.result');
    expect(order.slice(1, -1).every((type) => type === 'job.output')).toBe(true);
    expect(live.every((m) => m.runId === 'run_live')).toBe(true);
    expect(live.filter((m) => m.stream === 'stdout').map((m) => m.data).join('')).toBe(result.stdout);
    expect(live.filter((m) => m.stream === 'stderr').map((m) => m.data).join('')).toBe('oops\n');
  });

  it('passes the fixed args, then the parameter values, as arguments and as VIGIL_PARAM_* beside the signed env', async () => {
    const { handler, resultFor } = harness();
    const script = signed('printf "%s|" "$@"; printf "%s|%s" "$VIGIL_PARAM_COUNT" "$GREETING"', {
      args: ['fixed'],
      env: { GREETING: 'hi' },
      params: [{ name: 'count', type: 'integer', required: true }, { name: 'mode', type: 'enum', values: ['fast', 'slow'], default: 'slow', required: false }],
    });
    handler.handle(dispatchOf('run_p', script, { params: { count: '3' } }));
    expect((await resultFor('run_p')).stdout).toBe('fixed|3|slow|3|hi');
  });

  it('runs unsigned scripts in development mode, and still verifies signed ones there', async () => {
    const { handler, started, resultFor } = harness({ allowUnsigned: true });
    handler.handle(dispatchOf('run_u', signScript(manifest('echo unsigned'), null)));
    expect(await resultFor('run_u')).toMatchObject({ status: 'succeeded', stdout: 'unsigned\n' });
    const altered = signed('echo signed');
    handler.handle(dispatchOf('run_a', { ...altered, manifest: { ...altered.manifest, body: 'echo altered' } }));
    expect(await resultFor('run_a')).toMatchObject({ status: 'rejected' });
    expect(started).toHaveLength(1);
  });
});

describe('JobHandler: refusals run nothing', () => {
  const stranger = generateSigningKeyPair();
  const touch = (marker: string) => `touch "${marker}"`;
  const cases: Array<[string, (marker: string) => JobDispatchMessage, RegExp]> = [
    ['an unsigned script', (m) => dispatchOf('r', signScript(manifest(touch(m)), null)), /not signed/],
    ['a script whose body changed after signing', (m) => {
      const original = signed('echo harmless');
      return dispatchOf('r', { ...original, manifest: { ...original.manifest, body: touch(m) } });
    }, new RegExp(`signature by ${tenant.key.keyId} does not match the script: it was altered`)],
    ['a script signed by a key not pinned', (m) => dispatchOf('r', signScript(manifest(touch(m)), stranger)), new RegExp(`signed by ${stranger.keyId}, which this agent does not trust`)],
    ['a dispatch addressed to another agent', (m) => dispatchOf('r', signed(touch(m)), { agentId: 'agt_other' }), /addressed to agent agt_other/],
    ['an expired dispatch', (m) => dispatchOf('r', signed(touch(m)), { expiresAt: Date.now() - 1 }), /dispatch expired/],
    ['a script signed for another tenant', (m) => dispatchOf('r', signed(touch(m), { tenant: 'globex' })), /signed for tenant globex/],
    ['a script for another OS', (m) => dispatchOf('r', signed(touch(m), { os: ['windows'] })), /not linux/],
    ['parameter values the signer did not allow', (m) => dispatchOf('r', signed(touch(m), { params: [{ name: 'n', type: 'integer', required: false }] }), { params: { n: 'x; rm -rf /' } }), /parameter n must be a number/],
  ];

  for (const [what, make, reason] of cases) {
    it(`refuses ${what} with the reason, sending no job.started`, async () => {
      const marker = join(tempDir(), 'marker');
      const { handler, sent, started, resultFor } = harness();
      handler.handle(make(marker));
      const result = await resultFor('r');
      expect(result).toMatchObject({ status: 'rejected', exitCode: null, stdout: '' });
      expect(result.error).toMatch(reason);
      expect(sent.map((m) => m.type)).toEqual(['job.result']);
      expect(started).toEqual([]);
      expect(existsSync(marker)).toBe(false);
    });
  }

  it('refuses everything signed when no trust is pinned', async () => {
    const { handler, started, resultFor } = harness({ trust: () => null });
    handler.handle(dispatchOf('r', signed('echo hi')));
    expect((await resultFor('r')).error).toMatch(/does not trust/);
    expect(started).toEqual([]);
  });
});

describe('JobHandler: no replays', () => {
  it('never runs the same run id twice; a repeat after completion resends the result', async () => {
    const { handler, sent, started, resultFor } = harness();
    handler.handle(dispatchOf('run_3', signed('echo once')));
    handler.handle(dispatchOf('run_3', signed('echo once')));
    await resultFor('run_3');
    handler.handle(dispatchOf('run_3', signed('echo once')));
    expect(sent.map((m) => m.type)).toEqual(['job.started', 'job.result', 'job.result']);
    expect(sent[1]).toEqual(sent[2]);
    expect(started).toHaveLength(1);
  });

  it('answers a run finished before a restart from the ledger, and one interrupted by it as an error, running neither', async () => {
    const file = join(tempDir(), 'runs.jsonl');
    const first = harness({ ledger: new RunLedger({ file }) });
    first.handler.handle(dispatchOf('run_done', signed('echo before')));
    const original = await first.resultFor('run_done');
    // A run the agent began but never finished, as a crash mid-run leaves it.
    new RunLedger({ file }).begin('run_cut', 'job_1', Date.now());

    const second = harness({ ledger: new RunLedger({ file }) });
    second.handler.handle(dispatchOf('run_done', signed('echo before')));
    second.handler.handle(dispatchOf('run_cut', signed('echo again')));
    expect(await second.resultFor('run_done')).toEqual(original);
    expect(await second.resultFor('run_cut')).toMatchObject({ status: 'error', error: RESTARTED_MID_RUN });
    expect(second.started).toEqual([]);
    expect(second.sent.map((m) => m.type)).toEqual(['job.result', 'job.result']);

    // The interrupted run's answer is now its result, for a third life too.
    const third = harness({ ledger: new RunLedger({ file }) });
    third.handler.handle(dispatchOf('run_cut', signed('echo again')));
    expect(await third.resultFor('run_cut')).toMatchObject({ status: 'error', error: RESTARTED_MID_RUN });
  });

  it('does not start a run it cannot record', async () => {
    const dir = tempDir();
    // A directory where the ledger file should be: every append fails.
    const { handler, started, resultFor } = harness({ ledger: new RunLedger({ file: dir }) });
    handler.handle(dispatchOf('run_x', signed('echo hi')));
    expect(await resultFor('run_x')).toMatchObject({ status: 'error', error: expect.stringMatching(/cannot record the run/) });
    expect(started).toEqual([]);
  });
});

describe('JobHandler: cancel', () => {
  it('kills the run and its children and answers failed "cancelled by the collector"', async () => {
    const pidFile = join(tempDir(), 'pid');
    const { handler, sent, resultFor } = harness();
    handler.handle(dispatchOf('run_c', signed(`sleep 300 &\necho $! > "${pidFile}"\nwait`)));
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') await sleep(20);
    expect(handler.cancel('run_c')).toBe(true);
    const result = await resultFor('run_c');
    expect(result).toMatchObject({ status: 'failed', error: 'cancelled by the collector' });
    expect(processRunning(Number(readFileSync(pidFile, 'utf8').trim()))).toBe(false);
    // A cancel for a finished or unknown run changes nothing.
    expect(handler.cancel('run_c')).toBe(false);
    expect(handler.cancel('run_unknown')).toBe(false);
    expect(sent.filter((m) => m.type === 'job.result')).toHaveLength(1);
  });
});
