import { spawn } from 'node:child_process';
import { VIGIL_BIN } from './paths.js';

export interface VigilResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface VigilRunOptions {
  /** Written to the command's stdin, which is then closed (for --password-stdin). */
  stdin?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Runs the real `vigil` admin CLI to completion. Its environment is this process's without any
 * VIGIL_SERVER/VIGIL_TOKEN, so only what the test passes counts; a command still running at the
 * timeout is killed.
 */
export async function runVigil(args: string[], options: VigilRunOptions = {}): Promise<VigilResult> {
  const { VIGIL_SERVER: _server, VIGIL_TOKEN: _token, ...inherited } = process.env;
  const child = spawn(process.execPath, [VIGIL_BIN, ...args], {
    env: { ...inherited, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 50_000,
    killSignal: 'SIGKILL',
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  // A command that exits before reading its stdin must not fail the test with EPIPE.
  child.stdin.on('error', () => {});
  child.stdin.end(options.stdin ?? '');
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { code, stdout, stderr };
}
