import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { JobResultSchema, SCRIPT_OUTPUT_CAP_BYTES } from '@vigil/shared';
import type { OutputChunk } from './live-output.js';
import { runScript, type ScriptToRun } from './script-runner.js';
import { findExecutable } from './which.js';
import { processRunning } from '../testing/process-state.js';

const script = (body: string, extra: Partial<ScriptToRun> = {}): ScriptToRun => ({
  shell: 'bash',
  body,
  args: [],
  env: {},
  timeoutSec: 30,
  ...extra,
});

const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

describe('runScript', () => {
  it('captures stdout and stderr of a successful run', async () => {
    const result = await runScript(script('echo hello; echo oops >&2'));
    expect(result.status).toBe('succeeded');
    expect(result.exitCode).toBe(0);
    expect(result.signal).toBeNull();
    expect(result.stdout).toBe('hello\n');
    expect(result.stderr).toBe('oops\n');
    expect(result.stdoutTruncated).toBe(false);
    expect(result.durationMs).toBeGreaterThan(0);
    expect(JobResultSchema.parse({ type: 'job.result', runId: 'r1', ...result })).toBeTruthy();
  });

  it('reports a non-zero exit as failed with its code', async () => {
    const result = await runScript(script('echo partial; exit 3'));
    expect(result.status).toBe('failed');
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe('partial\n');
  });

  it('passes args and merges the script env over the agent env', async () => {
    const result = await runScript(script('printf "%s|" "$@"; printf "%s|%s" "$GREETING" "${PATH:+has-path}"', { args: ['a b', 'c'], env: { GREETING: 'hi' } }));
    expect(result.stdout).toBe('a b|c|hi|has-path');
  });

  it('runs sh scripts', async () => {
    const result = await runScript(script('echo "sh:$1"', { shell: 'sh', args: ['x'] }));
    expect(result).toMatchObject({ status: 'succeeded', stdout: 'sh:x\n' });
  });

  it.skipIf(!findExecutable('python3', process.env) && !findExecutable('python', process.env))('runs python scripts', async () => {
    const result = await runScript(script('import sys\nprint("py", sys.argv[1:])\nsys.exit(2)', { shell: 'python', args: ['one'] }));
    expect(result.status).toBe('failed');
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("py ['one']\n");
  });

  it('caps each stream at 64 KiB, flags the truncation and still lets the script finish', async () => {
    const result = await runScript(script('head -c 1000000 /dev/zero | tr "\\0" a; echo small >&2; echo done >&2'));
    expect(result.status).toBe('succeeded');
    expect(result.stdout.length).toBe(SCRIPT_OUTPUT_CAP_BYTES);
    expect(result.stdout).toMatch(/^a+$/);
    expect(result.stdoutTruncated).toBe(true);
    expect(result.stderr).toBe('small\ndone\n');
    expect(result.stderrTruncated).toBe(false);
  });

  it('does not cut a multi-byte character in half at the cap', async () => {
    // 3-byte characters: the cap falls inside one of them.
    const result = await runScript(script('for i in $(seq 1 30000); do printf "€"; done'), { outputCapBytes: 1000 });
    expect(result.stdoutTruncated).toBe(true);
    expect(result.stdout).toBe('€'.repeat(333));
  });

  it('tells what the script prints while it runs, and the chunks add up to the stored output', async () => {
    const chunks: Array<OutputChunk & { at: number }> = [];
    const began = Date.now();
    const pending = runScript(script('echo first-line; echo err-line >&2; sleep 1; echo second-line'), {
      onOutput: (chunk) => chunks.push({ ...chunk, at: Date.now() - began }),
    });
    // The first line arrives while the script still sleeps.
    while (!chunks.some((c) => c.data.includes('first-line'))) await sleep(20);
    expect(chunks.some((c) => c.data.includes('second-line'))).toBe(false);
    const result = await pending;
    const streamed = (stream: 'stdout' | 'stderr') => chunks.filter((c) => c.stream === stream).map((c) => c.data).join('');
    expect(streamed('stdout')).toBe(result.stdout);
    expect(streamed('stderr')).toBe('err-line\n');
    expect(chunks.filter((c) => c.stream === 'stdout').map((c) => c.offset)).toEqual([0, 'first-line\n'.length]);
  });

  it('sends no live output past the cap, while the result is cut at the same place', async () => {
    const chunks: OutputChunk[] = [];
    const result = await runScript(script('head -c 100000 /dev/zero | tr "\\0" a'), { outputCapBytes: 1000, onOutput: (chunk) => chunks.push(chunk) });
    expect(result.stdoutTruncated).toBe(true);
    expect(chunks.map((c) => c.data).join('')).toBe(result.stdout);
  });

  it('kills the whole process tree on timeout', async () => {
    const result = await runScript(script('sleep 300 &\necho $!\nwait', { timeoutSec: 1 }), { killGraceMs: 1000 });
    // timeoutSec is an integer; one second is the shortest.
    expect(result.status).toBe('timed_out');
    expect(result.error).toMatch(/timed out/);
    const grandchild = Number(result.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(processRunning(grandchild)).toBe(false);
  }, 20_000);

  it('escalates to SIGKILL when the tree ignores SIGTERM', async () => {
    // An ignored signal is inherited, so the grandchild ignores SIGTERM too.
    const result = await runScript(script("trap '' TERM\nsleep 300 &\necho $!\nwhile :; do sleep 0.2; done", { timeoutSec: 1 }), { killGraceMs: 300 });
    expect(result.status).toBe('timed_out');
    expect(result.signal).toBe('SIGKILL');
    const grandchild = Number(result.stdout.trim());
    expect(processRunning(grandchild)).toBe(false);
  }, 20_000);

  it('returns when the script exits even if a background child keeps its output open', async () => {
    const result = await runScript(script('sleep 300 &\necho $$'), { drainMs: 200 });
    leftovers.push(Number(result.stdout.trim()));
    expect(result.status).toBe('succeeded');
    expect(result.stdout.trim()).toMatch(/^\d+$/);
  });

  it('removes its temporary script directory', async () => {
    const result = await runScript(script('dirname "$0"'));
    const dir = result.stdout.trim();
    expect(dir).toContain('vigil-run-');
    expect(existsSync(dir)).toBe(false);
  });

  it('reports a missing interpreter as an error without running anything', async () => {
    const result = await runScript(script('echo never', { env: { PATH: '/nonexistent-vigil-path' } }));
    expect(result.status).toBe('error');
    expect(result.exitCode).toBeNull();
    expect(result.error).toMatch(/interpreter not found: bash/);
  });

  it.runIf(process.platform !== 'win32')('rejects Windows PowerShell and cmd scripts here with a reason', async () => {
    expect(await runScript(script('Write-Output hi', { shell: 'powershell' }))).toMatchObject({ status: 'rejected', error: expect.stringMatching(/run only on Windows; use pwsh/) });
    expect(await runScript(script('echo hi', { shell: 'cmd' }))).toMatchObject({ status: 'rejected', error: 'cmd scripts run only on Windows' });
  });

  it.runIf(process.platform !== 'win32' && !findExecutable('pwsh', process.env))('reports pwsh as not found where it is not installed', async () => {
    expect(await runScript(script('Write-Output hi', { shell: 'pwsh' }))).toMatchObject({ status: 'error', error: 'interpreter not found: pwsh is not on PATH' });
  });

  it.runIf(findExecutable('pwsh', process.env) !== null)('runs pwsh scripts with their arguments', async () => {
    const result = await runScript(script('Write-Output "pwsh:$($args -join \'|\')"', { shell: 'pwsh', args: ['a b', 'c'] }));
    expect(result).toMatchObject({ status: 'succeeded', stdout: 'pwsh:a b|c\n' });
  });

  it('ends as failed "cancelled by the collector" when cancelled, killing the tree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-test-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const pidFile = join(dir, 'pid');
    const cancel = new AbortController();
    const pending = runScript(script(`sleep 300 &\necho $! > "${pidFile}"\nwait`), { cancel: cancel.signal, killGraceMs: 500 });
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') await sleep(20);
    cancel.abort();
    const result = await pending;
    expect(result).toMatchObject({ status: 'failed', error: 'cancelled by the collector' });
    expect(processRunning(Number(readFileSync(pidFile, 'utf8').trim()))).toBe(false);
  });

  it('does not start a script cancelled before it began', async () => {
    const cancel = new AbortController();
    cancel.abort();
    const onSpawn = vi.fn();
    const result = await runScript(script('echo never'), { cancel: cancel.signal, onSpawn });
    expect(result).toMatchObject({ status: 'failed', error: 'cancelled by the collector', stdout: '' });
    expect(onSpawn).not.toHaveBeenCalled();
  });

  it('ends as an error when the agent aborts the run, killing the tree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-test-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const pidFile = join(dir, 'pid');
    const controller = new AbortController();
    const pending = runScript(script('sleep 300 &\necho $! > "$PID_FILE"\nwait', { env: { PID_FILE: pidFile } }), { signal: controller.signal, killGraceMs: 500 });
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') await sleep(20);
    controller.abort();
    const result = await pending;
    expect(result.status).toBe('error');
    expect(result.error).toMatch(/agent stopped/);
    expect(processRunning(Number(readFileSync(pidFile, 'utf8').trim()))).toBe(false);
  });
});
