import { spawn } from 'node:child_process';
import { CappedOutput } from '../runner/output-capture.js';
import { terminateTree } from '../runner/process-tree.js';
import { findExecutable } from '../runner/which.js';

export interface CommandOptions {
  /** Killed (with its whole process tree) past this; OS tools can hang on dead mounts or locks. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Bytes kept per stream; the rest is counted and reported as truncated. Default 16 MiB. */
  maxOutputBytes?: number;
  /** Written to the command's stdin, which is then closed. */
  input?: string;
  cwd?: string;
}

export type CommandResult =
  | {
      kind: 'exited';
      command: string;
      exitCode: number | null;
      signal: NodeJS.Signals | null;
      stdout: string;
      stderr: string;
      stdoutTruncated: boolean;
      durationMs: number;
    }
  | { kind: 'not_found'; command: string; reason: string }
  | { kind: 'timed_out'; command: string; reason: string; stdout: string; stderr: string }
  | { kind: 'failed_to_start'; command: string; reason: string };

/**
 * Runs an OS tool found on PATH (so a test or a support engineer can put a stand-in in front of
 * the real one), never through a shell, with a timeout that kills its whole process tree.
 * It never throws: every way a tool can fail is a result the caller turns into an `unknown`
 * status with a reason.
 */
export function runCommand(name: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const env = options.env ?? process.env;
  const resolved = name.includes('/') || name.includes('\\') ? name : findExecutable(name, env);
  if (!resolved) return Promise.resolve({ kind: 'not_found', command: name, reason: `${name} was not found on PATH` });
  const cap = options.maxOutputBytes ?? 16 * 1024 * 1024;
  const stdout = new CappedOutput(cap);
  const stderr = new CappedOutput(64 * 1024);
  const began = performance.now();

  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(resolved, [...args], {
        env, cwd: options.cwd, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: process.platform !== 'win32', windowsHide: true,
      });
    } catch (error) {
      resolve({ kind: 'failed_to_start', command: name, reason: `could not start ${name}: ${(error as Error).message}` });
      return;
    }
    stdout.attach(child.stdout);
    stderr.attach(child.stderr);
    if (options.input !== undefined) {
      child.stdin?.on('error', () => {});
      child.stdin?.end(options.input);
    }
    let timedOut = false;
    let killing: Promise<void> = Promise.resolve();
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killing = terminateTree(child.pid, 1_000).catch(() => {});
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ kind: 'failed_to_start', command: name, reason: `could not start ${name}: ${error.message}` });
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      void killing.then(() => {
        if (timedOut) {
          resolve({ kind: 'timed_out', command: name, reason: `${name} did not finish within ${options.timeoutMs} ms and was killed`, stdout: stdout.text(), stderr: stderr.text() });
          return;
        }
        resolve({
          kind: 'exited', command: name, exitCode, signal, stdout: stdout.text(), stderr: stderr.text(),
          stdoutTruncated: stdout.truncated, durationMs: Math.round(performance.now() - began),
        });
      });
    });
  });
}

/** One line saying why a command gave no usable answer, for a source's `reason`. */
export function describeCommandFailure(result: CommandResult): string {
  if (result.kind !== 'exited') return result.reason;
  const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
  const detail = result.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 500);
  return `${result.command} ${how}${detail ? `: ${detail}` : ''}`;
}
