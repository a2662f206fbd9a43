import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  process: ChildProcess;
  output(): string;
  /** Resolves with the first stdout line matching the pattern. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();
// A test that fails half-way must not leave processes behind.
process.once('exit', () => { for (const child of running) child.kill('SIGKILL'); });

/** Starts a node script as a real child process, keeping its output for diagnostics. */
export function startNode(script: string, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let lineWaiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  const onData = (chunk: Buffer): void => {
    out += chunk.toString('utf8');
    lineWaiters = lineWaiters.filter((w) => {
      const match = out.match(w.pattern);
      if (match) w.resolve(match);
      return !match;
    });
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { running.delete(child); resolve(code); }));
  return {
    process: child,
    output: () => out,
    waitForLine(pattern, timeoutMs = 20_000) {
      const match = out.match(pattern);
      if (match) return Promise.resolve(match);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern} in output of ${script}:\n${out.slice(-4000)}`)), timeoutMs);
        lineWaiters.push({ pattern, resolve: (m) => { clearTimeout(timer); resolve(m); } });
        child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${script} exited with ${code} before printing ${pattern}:\n${out.slice(-4000)}`)); });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

/** Runs a node script to completion with a timeout; returns its exit code and output. */
export async function runNode(script: string, args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { code, stdout, stderr };
}
