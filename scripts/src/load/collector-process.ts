import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { readAdminToken } from './options.js';

/** The collector's launcher, relative to this file in the workspace (scripts/dist/load → collector/bin). */
const COLLECTOR_BIN = fileURLToPath(new URL('../../../collector/bin/vigil-collector.js', import.meta.url));
const LISTENING = /^vigil-collector listening on (\S+)/;
/** pino's numeric levels. */
const WARN = 40;
const ERROR = 50;
/** Messages that embed ids would otherwise make one entry per agent. */
const MAX_DISTINCT_MESSAGES = 50;

export interface CollectorLogCounts {
  warn: number;
  error: number;
  /** Distinct warning/error messages with how often each was logged. */
  messages: Record<string, number>;
}

/**
 * A collector child process on 127.0.0.1 with a throwaway data directory. Its log is read line by
 * line, both so the pipe never fills (pino writes synchronously and would block the collector)
 * and so warnings and errors logged under load can be reported.
 */
export class CollectorProcess {
  readonly logCounts: CollectorLogCounts = { warn: 0, error: 0, messages: {} };
  private child: ChildProcess;
  private exited: Promise<void>;
  private removed = false;
  private url: string | null = null;
  private readonly killOnExit = (): void => {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  };

  private constructor(
    readonly dataDir: string,
    private readonly extraArgs: readonly string[],
    private readonly log: (line: string) => void,
  ) {
    this.child = this.spawnServe('0');
    this.exited = exitOf(this.child);
    // If the simulator dies without cleaning up, the collector must not outlive it.
    process.once('exit', this.killOnExit);
  }

  /** `extraArgs` go to `serve`, e.g. ['--max-handshakes', '64']. */
  static async start(log: (line: string) => void, extraArgs: readonly string[] = [], startTimeoutMs = 30_000): Promise<{ collector: CollectorProcess; url: string; token: string }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-load-'));
    const collector = new CollectorProcess(dataDir, extraArgs, log);
    try {
      const url = await collector.waitForListening(startTimeoutMs);
      collector.url = url;
      return { collector, url, token: readAdminToken(dataDir) };
    } catch (err) {
      await collector.stop();
      throw err;
    }
  }

  /** A crash: SIGKILL, no goodbye to the agents, nothing flushed beyond what SQLite committed. */
  async kill(timeoutMs = 10_000): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await Promise.race([this.exited, delay(timeoutMs)]);
  }

  /** Starts a new collector process on the same data directory and port; resolves once it listens. */
  async restart(startTimeoutMs = 30_000): Promise<string> {
    if (!this.url) throw new Error('the collector never listened, so there is no port to restart on');
    await this.kill();
    this.child = this.spawnServe(new URL(this.url).port);
    this.exited = exitOf(this.child);
    const url = await this.waitForListening(startTimeoutMs);
    if (url !== this.url) this.log(`collector came back at ${url}, not ${this.url}`);
    return url;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGTERM, then SIGKILL if it has not exited in time; then the data directory goes. */
  async stop(graceMs = 12_000): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timedOut = await Promise.race([this.exited.then(() => false), delay(graceMs).then(() => true)]);
      if (timedOut) {
        this.log(`collector pid ${this.child.pid} did not exit within ${graceMs}ms of SIGTERM; killing it`);
        this.child.kill('SIGKILL');
        await Promise.race([this.exited, delay(5000)]);
      }
    }
    process.removeListener('exit', this.killOnExit);
    if (!this.removed) {
      this.removed = true;
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  private spawnServe(port: string): ChildProcess {
    return spawn(process.execPath, [COLLECTOR_BIN, 'serve', '--host', '127.0.0.1', '--port', port, '--data', this.dataDir, ...this.extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  private waitForListening(timeoutMs: number): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | null, url?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(url!);
      };
      const timer = setTimeout(() => finish(new Error(`collector did not report listening within ${timeoutMs}ms`)), timeoutMs);
      const stdout = createInterface({ input: this.child.stdout! });
      stdout.on('line', (line) => {
        const listening = LISTENING.exec(line);
        if (listening) return finish(null, listening[1]!);
        this.onLogLine(line);
      });
      const stderr = createInterface({ input: this.child.stderr! });
      stderr.on('line', (line) => this.log(`collector stderr: ${line}`));
      this.child.once('exit', (code, signal) => finish(new Error(`collector exited before listening (code ${code}, signal ${signal})`)));
      this.child.once('error', (err) => finish(err));
    });
  }

  private onLogLine(line: string): void {
    let entry: { level?: unknown; msg?: unknown; err?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      this.log(`collector: ${line}`);
      return;
    }
    const level = typeof entry.level === 'number' ? entry.level : 0;
    if (level < WARN) return;
    if (level >= ERROR) this.logCounts.error++;
    else this.logCounts.warn++;
    const err = typeof entry.err === 'string' ? entry.err : (entry.err as { message?: string } | undefined)?.message;
    const key = `${level >= ERROR ? 'error' : 'warn'}: ${String(entry.msg ?? '')}${err ? ` (${err})` : ''}`.slice(0, 200);
    const known = key in this.logCounts.messages;
    if (!known && Object.keys(this.logCounts.messages).length >= MAX_DISTINCT_MESSAGES) return;
    const seen = (this.logCounts.messages[key] ?? 0) + 1;
    this.logCounts.messages[key] = seen;
    if (seen === 1) this.log(`collector ${key}`);
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
