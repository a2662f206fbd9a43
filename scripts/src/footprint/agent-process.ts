import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The agent's launcher, relative to this file in the workspace (scripts/dist/footprint → agent/bin). */
const AGENT_BIN = fileURLToPath(new URL('../../../agent/bin/vigil-agent.js', import.meta.url));
/** pino's numeric level for warn. */
const WARN = 40;

/** The agent must use only the state directory it is given, never one from the caller's environment. */
function agentEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.VIGIL_AGENT_STATE;
  delete env.VIGIL_LOG_LEVEL;
  return env;
}

/**
 * `vigil-agent enroll`, bounded: a hung enrollment fails the benchmark instead of stalling it. The
 * benchmark's collector is plain http on loopback, so that is allowed explicitly.
 */
export function enrollAgent(server: string, token: string, stateDir: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [AGENT_BIN, 'enroll', '--server', server, '--token', token, '--state', stateDir, '--allow-plaintext'], { env: agentEnv(), timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`agent enrollment failed: ${stderr.trim() || error.message}`));
      else resolve(stdout.trim());
    });
  });
}

/** What `run` last wrote to status.json; null while it has not written one yet. */
export interface AgentProgress {
  lastSeq: number;
  state: string;
}

/**
 * `vigil-agent run` as a child process, started the way a service starts it (node flags, then the
 * launcher). Its stderr log is read line by line so the pipe never fills, and warnings are counted.
 */
export class AgentProcess {
  warnings = 0;
  private readonly exited: Promise<void>;
  private readonly killOnExit = (): void => {
    if (this.running) this.child.kill('SIGKILL');
  };

  private constructor(
    private readonly child: ChildProcess,
    private readonly stateDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    process.once('exit', this.killOnExit);
    createInterface({ input: child.stderr! }).on('line', (line) => this.onLogLine(line));
  }

  static start(options: { stateDir: string; intervalMs: number; nodeFlags: readonly string[]; log: (line: string) => void }): AgentProcess {
    const args = [...options.nodeFlags, AGENT_BIN, 'run', '--state', options.stateDir, '--interval', `${options.intervalMs}ms`, '--log-level', 'warn'];
    const child = spawn(process.execPath, args, { env: agentEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    return new AgentProcess(child, options.stateDir, options.log);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the agent process did not start');
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get exitDescription(): string {
    return `code ${this.child.exitCode}, signal ${this.child.signalCode}`;
  }

  progress(): AgentProgress | null {
    try {
      const status = JSON.parse(readFileSync(join(this.stateDir, 'status.json'), 'utf8')) as { lastSeq?: unknown; state?: unknown };
      if (typeof status.lastSeq !== 'number') return null;
      return { lastSeq: status.lastSeq, state: String(status.state) };
    } catch {
      // Not written yet, or caught mid-rename: the next reading will have it.
      return null;
    }
  }

  /** SIGTERM (the agent stops gracefully within a few seconds), then SIGKILL past the grace. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timedOut = await Promise.race([this.exited.then(() => false), delay(graceMs).then(() => true)]);
      if (timedOut) {
        this.log(`agent pid ${this.child.pid} did not exit within ${graceMs}ms of SIGTERM; killing it`);
        this.child.kill('SIGKILL');
        await Promise.race([this.exited, delay(5_000)]);
      }
    }
    process.removeListener('exit', this.killOnExit);
  }

  private onLogLine(line: string): void {
    let entry: { level?: unknown; msg?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      this.log(`agent: ${line}`);
      return;
    }
    if (typeof entry.level === 'number' && entry.level >= WARN) {
      this.warnings++;
      this.log(`agent: ${String(entry.msg ?? line)}`);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
