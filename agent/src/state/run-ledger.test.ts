import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobResultMessage } from '@vigil/shared';
import { RunLedger, capUtf8 } from './run-ledger.js';

const dirs: string[] = [];
const ledgerFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ledger-'));
  dirs.push(dir);
  return join(dir, 'runs.jsonl');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const result = (runId: string, stdout = 'ok\n'): JobResultMessage => ({
  type: 'job.result', runId, status: 'succeeded', exitCode: 0, signal: null, stdout, stderr: '', stdoutTruncated: false, stderrTruncated: false, startedAt: 1, durationMs: 2,
});

describe('RunLedger', () => {
  it('remembers runs begun and finished across reopening, privately', () => {
    const file = ledgerFile();
    const ledger = new RunLedger({ file });
    ledger.begin('run_1', 'job_1', 100);
    ledger.finish('run_1', 'job_1', result('run_1'), 200);
    ledger.begin('run_2', 'job_1', 300);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);

    const reopened = new RunLedger({ file });
    expect(reopened.get('run_1')).toEqual({ runId: 'run_1', jobId: 'job_1', seenAt: 100, result: result('run_1') });
    expect(reopened.get('run_2')).toEqual({ runId: 'run_2', jobId: 'job_1', seenAt: 300, result: null });
    expect(reopened.get('run_3')).toBeUndefined();
  });

  it('records a refusal, which was never begun, with its result', () => {
    const file = ledgerFile();
    new RunLedger({ file }).finish('run_r', 'job_1', { ...result('run_r'), status: 'rejected', error: 'no' }, 5);
    expect(new RunLedger({ file }).get('run_r')).toMatchObject({ seenAt: 5, result: { status: 'rejected', error: 'no' } });
  });

  it('skips a torn last line, as a crash mid-write leaves it', () => {
    const file = ledgerFile();
    new RunLedger({ file }).begin('run_1', 'job_1', 1);
    appendFileSync(file, '{"t":"done","runId":"run_1","resu');
    const reopened = new RunLedger({ file });
    expect(reopened.skippedLines).toBe(1);
    expect(reopened.get('run_1')).toMatchObject({ result: null });
  });

  it('keeps the newest entries only, and compacts the file now and then', () => {
    const file = ledgerFile();
    const ledger = new RunLedger({ file, maxEntries: 10 });
    for (let i = 0; i < 50; i++) {
      ledger.begin(`run_${i}`, 'job_1', i);
      ledger.finish(`run_${i}`, 'job_1', result(`run_${i}`), i);
    }
    expect(ledger.size).toBe(10);
    expect(ledger.get('run_39')).toBeUndefined();
    expect(ledger.get('run_40')?.result?.runId).toBe('run_40');
    const lines = readFileSync(file, 'utf8').trim().split('\n').length;
    expect(lines).toBeLessThanOrEqual(30);
    const reopened = new RunLedger({ file, maxEntries: 10 });
    expect(reopened.size).toBe(10);
    expect(reopened.get('run_49')?.result?.runId).toBe('run_49');
  });

  it('caps the stored output and says so', () => {
    const ledger = new RunLedger({ file: ledgerFile(), outputCapBytes: 8 });
    ledger.finish('run_1', 'job_1', result('run_1', 'é'.repeat(10)), 1);
    expect(ledger.get('run_1')!.result).toMatchObject({ stdout: 'éééé', stdoutTruncated: true, stderrTruncated: false });
  });

  it('throws when a run cannot be recorded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-ledger-'));
    dirs.push(dir);
    expect(() => new RunLedger({ file: dir }).begin('run_1', 'job_1', 1)).toThrow();
  });
});

describe('capUtf8', () => {
  it('never cuts a character in half', () => {
    expect(capUtf8('ab€', 4)).toEqual({ text: 'ab', cut: true });
    expect(capUtf8('ab€', 5)).toEqual({ text: 'ab€', cut: false });
    expect(capUtf8('abc', 2)).toEqual({ text: 'ab', cut: true });
  });
});
