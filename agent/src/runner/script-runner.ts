import { spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCRIPT_OUTPUT_CAP_BYTES, type JobResult, type Shell } from '@vigil/shared';
import { findInterpreter, invocationFor, scriptExtension, scriptFileContent } from './interpreters.js';
import { LiveOutput, type OutputChunk } from './live-output.js';
import { CappedOutput } from './output-capture.js';
import { terminateTree } from './process-tree.js';
import { resolveRunAs, type RunAsHost, type RunAsIdentity } from './run-as.js';

/** A job result without the envelope (type, runId), which the job handler adds. */
export type ScriptRunResult = Omit<JobResult, 'type' | 'runId'>;

/** A script the agent decided to run: its verified manifest with the checked parameter values folded in. */
export interface ScriptToRun {
  shell: Shell;
  body: string;
  /** The fixed arguments, then the parameter values. */
  args: readonly string[];
  /** Added to the agent's environment: the manifest's env and the VIGIL_PARAM_* values. */
  env: Readonly<Record<string, string>>;
  timeoutSec: number;
  /** Run as this local user (POSIX agents running as root); null or absent: as the agent. */
  runAs?: string | null;
}

export interface RunOptions {
  /** Time between SIGTERM and SIGKILL when a run is stopped. */
  killGraceMs?: number;
  /** How long to wait for output pipes after the script exits; a background child may hold them open. */
  drainMs?: number;
  outputCapBytes?: number;
  /** Aborting stops the run (agent shutdown): its process tree is killed and it ends as an error. */
  signal?: AbortSignal;
  /** Aborting cancels the run (the collector asked): its process tree is killed and it ends as failed. */
  cancel?: AbortSignal;
  /** Called once the interpreter process exists, i.e. the script has really started. */
  onSpawn?: () => void;
  /** Told what the script prints while it runs, coalesced (see LiveOutput); the result still has it all. */
  onOutput?: (chunk: OutputChunk) => void;
  /** How runAs users are looked up (tests). */
  runAsHost?: RunAsHost;
}

/** JobResultSchema caps the error text. */
const MAX_ERROR = 2000;
export const CANCELLED_REASON = 'cancelled by the collector';

/**
 * Runs one script: the body goes to a private temp file which the interpreter runs with the
 * script's args and the agent's environment plus the script's env. The run ends at the timeout
 * with its whole process tree killed; output beyond the cap is read and discarded.
 */
export async function runScript(script: ScriptToRun, options: RunOptions = {}): Promise<ScriptRunResult> {
  const startedAt = Date.now();
  const stopped = () => (options.cancel?.aborted ? notRun('failed', CANCELLED_REASON, startedAt) : options.signal?.aborted ? notRun('error', 'the agent is stopping', startedAt) : null);
  let identity: RunAsIdentity | undefined;
  if (script.runAs) {
    const resolved = await resolveRunAs(script.runAs, options.runAsHost);
    if (!resolved.ok) return notRun('rejected', resolved.reason, startedAt);
    identity = resolved.identity;
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ...identity?.env, ...script.env };
  const early = stopped();
  if (early) return early;
  const dir = await mkdtemp(join(tmpdir(), 'vigil-run-'));
  try {
    const file = join(dir, `script${scriptExtension(script.shell)}`);
    await writeFile(file, scriptFileContent(script.shell, script.body), { mode: 0o700 });
    if (identity) {
      // The folder and file are the agent's and private; the user the script runs as must read them.
      await chown(dir, identity.uid, identity.gid);
      await chown(file, identity.uid, identity.gid);
    }
    const invocation = invocationFor(script.shell, process.platform, file, script.args);
    if (!invocation.ok) return notRun('rejected', invocation.reason, startedAt);
    const interpreter = findInterpreter(invocation.programs, env);
    if (!interpreter.ok) return notRun('error', interpreter.reason, startedAt);
    const late = stopped();
    if (late) return late;
    const spawnOptions: SpawnSettings = { env, cwd: dir, windowsVerbatimArguments: invocation.verbatim, ...(identity ? { uid: identity.uid, gid: identity.gid } : {}) };
    return await execute(interpreter.command, invocation.args, spawnOptions, script.timeoutSec * 1000, startedAt, options);
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

interface SpawnSettings {
  env: NodeJS.ProcessEnv;
  cwd: string;
  windowsVerbatimArguments: boolean;
  uid?: number;
  gid?: number;
}

/** The result of a run that never started: refused, or failed before the script could run. */
export function notRun(status: 'rejected' | 'error' | 'failed', reason: string, startedAt: number): ScriptRunResult {
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
  spawnOptions: SpawnSettings,
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
  const live = options.onOutput ? new LiveOutput({ send: options.onOutput, capBytes: cap }) : null;

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
    if (live) {
      child.stdout?.on('data', (chunk: Buffer) => live.stdout.write(chunk));
      child.stderr?.on('data', (chunk: Buffer) => live.stderr.write(chunk));
    }

    let stoppedBy: 'timeout' | 'abort' | 'cancel' | undefined;
    let killing: Promise<void> = Promise.resolve();
    const stop = (why: 'timeout' | 'abort' | 'cancel') => {
      if (stoppedBy || child.pid === undefined) return;
      stoppedBy = why;
      killing = terminateTree(child.pid, killGraceMs).catch(() => {});
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const onAbort = () => stop('abort');
    const onCancel = () => stop('cancel');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    options.cancel?.addEventListener('abort', onCancel, { once: true });
    // A stop that came while the process was being started found no listener.
    if (options.cancel?.aborted) onCancel();
    else if (options.signal?.aborted) onAbort();

    let settled = false;
    const finish = async (result: ScriptRunResult) => {
      if (settled) return;
      settled = true;
      // The last live chunks go before the result, which the job handler sends once this resolves.
      live?.end();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      options.cancel?.removeEventListener('abort', onCancel);
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
        else if (stoppedBy === 'cancel') void finish({ ...base, status: 'failed', error: CANCELLED_REASON });
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
