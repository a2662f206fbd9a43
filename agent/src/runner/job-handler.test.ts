import { describe, expect, it } from 'vitest';
import type { JobDispatchMessage } from '@vigil/shared';
import type { JobMessage } from '../connection/job-outbox.js';
import { silentLogger } from '../log.js';
import { JobHandler } from './job-handler.js';

const dispatch = (runId: string, body: string, agentId = 'agt_1'): JobDispatchMessage => ({
  type: 'job.dispatch',
  jobId: 'job_1',
  runId,
  agentId,
  script: { shell: 'sh', body, args: [], env: {}, timeoutSec: 30 },
});

function harness() {
  const sent: JobMessage[] = [];
  let notify = () => {};
  const handler = new JobHandler({
    agentId: 'agt_1',
    logger: silentLogger(),
    send: (message) => {
      sent.push(message);
      notify();
    },
  });
  const resultFor = (runId: string) =>
    new Promise<JobMessage>((resolve) => {
      const check = () => {
        const found = sent.find((m) => m.type === 'job.result' && m.runId === runId);
        if (found) resolve(found);
      };
      notify = check;
      check();
    });
  return { handler, sent, resultFor };
}

describe('JobHandler', () => {
  it('announces the start, then sends the result', async () => {
    const { handler, sent, resultFor } = harness();
    handler.handle(dispatch('run_1', 'echo ok'));
    const result = await resultFor('run_1');
    expect(sent.map((m) => m.type)).toEqual(['job.started', 'job.result']);
    expect(result).toMatchObject({ type: 'job.result', runId: 'run_1', status: 'succeeded', stdout: 'ok\n' });
  });

  it('rejects a job addressed to another agent without running it', async () => {
    const { handler, sent, resultFor } = harness();
    handler.handle(dispatch('run_2', 'echo should-not-run', 'agt_other'));
    const result = await resultFor('run_2');
    expect(sent.map((m) => m.type)).toEqual(['job.result']);
    expect(result).toMatchObject({ status: 'rejected', stdout: '' });
    expect((result as { error?: string }).error).toMatch(/agt_other/);
  });

  it('never runs the same run id twice; a repeat after completion resends the result', async () => {
    const { handler, sent, resultFor } = harness();
    handler.handle(dispatch('run_3', 'echo once'));
    handler.handle(dispatch('run_3', 'echo once'));
    await resultFor('run_3');
    handler.handle(dispatch('run_3', 'echo once'));
    expect(sent.map((m) => m.type)).toEqual(['job.started', 'job.result', 'job.result']);
    expect(sent[1]).toEqual(sent[2]);
  });

  it('sends no job.started for a script it refuses', async () => {
    const { handler, sent, resultFor } = harness();
    handler.handle({ ...dispatch('run_4', 'dir'), script: { shell: 'cmd', body: 'dir', args: [], env: {}, timeoutSec: 5 } });
    const result = await resultFor('run_4');
    expect(sent.map((m) => m.type)).toEqual(['job.result']);
    expect(result).toMatchObject({ status: 'rejected' });
  });
});
