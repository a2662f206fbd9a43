import { describe, expect, it } from 'vitest';
import type { JobReport } from '../remediation/job-results.js';
import { JobReportBatch } from './job-report-batch.js';

const report = (runId: string): JobReport => ({ agentId: 'agt_1', message: { type: 'job.started', runId, ts: 1 }, now: 1 });

describe('JobReportBatch', () => {
  it('hands on what arrived within one turn together, and a later turn apart', async () => {
    const batches: string[][] = [];
    const batch = new JobReportBatch((reports) => batches.push(reports.map((r) => r.message.runId)), (err) => { throw err; });
    batch.add(report('run_1'));
    batch.add(report('run_2'));
    expect(batches).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    batch.add(report('run_3'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['run_1', 'run_2'], ['run_3']]);
  });

  it('flushes at once when asked (shutdown), and reports a failure without losing the next batch', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const seen: string[] = [];
    const batch = new JobReportBatch((reports) => {
      if (fail) throw new Error('disk full');
      seen.push(...reports.map((r) => r.message.runId));
    }, (err) => errors.push(err));
    batch.add(report('run_1'));
    batch.flush();
    expect(errors).toHaveLength(1);
    fail = false;
    batch.add(report('run_2'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['run_2']);
  });
});
