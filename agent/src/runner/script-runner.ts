import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCRIPT_OUTPUT_CAP_BYTES, type DispatchedScript, type JobResult } from '@vigil/shared';
import { resolveInterpreter } from './interpreters.js';
import { CappedOutput } from './output-capture.js';
import { terminateTree } from './process-tree.js';

/** A job result without the envelope (type, runId), which the job handler adds. */
export type ScriptRunResult = Omit<JobResult, 'type' | 'runId'>;

export interface RunOptions {
  /** Time between SIGTERM and SIGKILL when a run is stopped. */
  killGraceMs?: number;
  /** How long to wait for output pipes after the script exits; a background child may hold them open. */
  drainMs?: number;
  outputCapBytes?: number;
  /** Aborting stops the run (agent shutdown): its process tree is killed and it ends as an error. */
  signal?: AbortSignal;
  /** Called once the interpreter process exists, i.e. the script has really started. */
  onSpawn?: () => void;
}

/** JobResultSchema caps the error text. */
const MAX_ERROR = 2000;

/**
 * Runs one script: the body goes to a private temp file which the interpreter runs with the
 * script's args and the agent's environment plus the script's env. The run ends at the timeout
 * with its whole process tree killed; output beyond the cap is read and discarded.
 */
export async function runScript(script: DispatchedScript, options: RunOptions = {}): Promise<ScriptRunResult> {
  const startedAt = Date.now();
  const env = { ...process.env, ...script.env };
  const interpreter = resolveInterpreter(script.shell, env);
  if (!interpreter.ok) return notRun(interpreter.status, interpreter.reason, startedAt);
  if (options.signal?.aborted) return notRun('error', 'the agent is stopping', startedAt);

  const dir = await mkdtemp(join(tmpdir(), 'vigil-run-'));
  try {
    const file = join(dir, `script${interpreter.extension}`);
    await writeFile(file, script.body, { mode: 0o700 });
    return await execute(interpreter.command, [...interpreter.args, file, ...script.args], { env, cwd: dir }, script.timeoutSec * 1000, startedAt, options);
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

/** The result of a run that never started: refused, or failed before the script could run. */
export function notRun(status: 'rejected' | 'error', reason: string, startedAt: number): ScriptRunResult {
  return {
    status,
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    startedAt,
    durationMs: 0,
    error: reason.slice(0, MAX_ERROR),
  };
}

function execute(
  command: string,
  args: string[],
  spawnOptions: { env: NodeJS.ProcessEnv; cwd: string },
  timeoutMs: number,
  startedAt: number,
  options: RunOptions,
): Promise<ScriptRunResult> {
  const cap = options.outputCapBytes ?? SCRIPT_OUTPUT_CAP_BYTES;
  const killGraceMs = options.killGraceMs ?? 2_000;
  const drainMs = options.drainMs ?? 1_000;
  const began = performance.now();
  const stdout = new CappedOutput(cap);
  const stderr = new CappedOutput(cap);

  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        ...spawnOptions,
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so a timeout can reach grandchildren too.
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
    } catch (error) {
      resolve(notRun('error', `could not start ${command}: ${(error as Error).message}`, startedAt));
      return;
    }
    child.once('spawn', () => options.onSpawn?.());
    stdout.attach(child.stdout);
    stderr.attach(child.stderr);

    let stoppedBy: 'timeout' | 'abort' | undefined;
    let killing: Promise<void> = Promise.resolve();
    const stop = (why: 'timeout' | 'abort') => {
      if (stoppedBy || child.pid === undefined) return;
      stoppedBy = why;
      killing = terminateTree(child.pid, killGraceMs).catch(() => {});
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const onAbort = () => stop('abort');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    let settled = false;
    const finish = async (result: ScriptRunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      await killing;
      resolve(result);
    };

    child.once('error', (error) => {
      // Spawn failures (ENOENT, EACCES) arrive here instead of an exit.
      const durationMs = Math.round((performance.now() - began) * 10) / 10;
      void finish({ ...notRun('error', `could not start ${command}: ${error.message}`, startedAt), durationMs });
    });

    child.once('exit', (code, signal) => {
      // From here the run has ended; a timeout firing during the drain must not relabel it.
      clearTimeout(timer);
      const durationMs = Math.round((performance.now() - began) * 10) / 10;
      const complete = () => {
        const base = {
          exitCode: code,
          signal,
          stdout: stdout.text(),
          stderr: stderr.text(),
          stdoutTruncated: stdout.truncated,
          stderrTruncated: stderr.truncated,
          startedAt,
          durationMs,
        };
        if (stoppedBy === 'timeout') void finish({ ...base, status: 'timed_out', error: `timed out after ${timeoutMs / 1000} s; process tree killed` });
        else if (stoppedBy === 'abort') void finish({ ...base, status: 'error', error: 'the agent stopped while the script was running' });
        else void finish({ ...base, status: code === 0 ? 'succeeded' : 'failed' });
      };
      // Output can still be in the pipes after exit; wait for them to close, but not for ever:
      // a background process the script left behind may keep them open.
      if (child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false) return complete();
      const drain = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        complete();
      }, drainMs);
      child.once('close', () => {
        clearTimeout(drain);
        complete();
      });
    });
  });
}
