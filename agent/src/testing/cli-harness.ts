import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Drives the built CLI (dist/) as a real child process, the way users and services run it. */
export const AGENT_CLI = fileURLToPath(new URL('../../bin/vigil-agent.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)))) throw new Error('build the agent first: npx tsc -b agent');
}

const env = () => {
  const copy: NodeJS.ProcessEnv = { ...process.env, VIGIL_LOG_LEVEL: 'info' };
  delete copy.VIGIL_AGENT_STATE;
  return copy;
};

export function cli(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [AGENT_CLI, ...args], { env: env(), timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

export interface CliChild {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
}

/** Long-running commands; stopAll() kills whatever a test left behind. */
export class CliChildren {
  private readonly children: ChildProcess[] = [];

  start(args: string[]): CliChild {
    const child = spawn(process.execPath, [AGENT_CLI, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exited, stderr: () => stderr };
  }

  stopAll(): void {
    for (const child of this.children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
