import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { terminateTree } from '../runner/process-tree.js';
import { findExecutable } from '../runner/which.js';
import type { PowerShellRunner } from './powershell.js';
import type { CommandResult } from './run-command.js';

/**
 * One long-lived `powershell.exe -Command -` reused for every call, because starting PowerShell
 * costs hundreds of milliseconds and tens of MB each time.
 *
 * The protocol is line-based so it survives PowerShell reading stdin one line at a time: at start
 * the host is sent a one-line function, `__vigil`; each call is then one line,
 * `__vigil '<id>' '<base64 script>'`, and the host answers with one line,
 * `VIGIL-RESULT <id> <exit> <base64 stdout> <base64 stderr>`. Base64 keeps scripts and outputs
 * free of newlines and of the console code page (Windows PowerShell writes in the OEM code page,
 * which would mangle non-ASCII text); the random id means nothing a script prints can pass for the
 * end of a call. Calls run one at a time. A call that times out kills the host (its script may be
 * stuck in a COM call forever) and the next call starts a fresh one; so does a host that died.
 */
export interface PowerShellHostOptions {
  command?: string;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Fresh process after this many calls, so a leak in a script or a COM object cannot grow forever. */
  maxCallsPerHost?: number;
}

export const DEFAULT_POWERSHELL_ARGS = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', '-'] as const;

/** The function each host is given once. Errors are split from output; a thrown error exits 1. */
export const HOST_PRELUDE = [
  'function __vigil([string]$id, [string]$b64) {',
  "$ErrorActionPreference = 'Continue'; $code = 0; $res = @();",
  'try { $sb = [ScriptBlock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($b64))); $res = @(& $sb 2>&1) } catch { $res += $_; $code = 1 };',
  '$err = @($res | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] });',
  '$out = @($res | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] });',
  '$o = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes((($out | Out-String -Width 8192))));',
  '$e = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes((($err | Out-String -Width 8192))));',
  '[Console]::Out.WriteLine("VIGIL-RESULT $id $code $o $e"); [Console]::Out.Flush() }',
].join(' ');

const RESULT = /^VIGIL-RESULT (\S+) (-?\d+) ([A-Za-z0-9+/=]*) ([A-Za-z0-9+/=]*)\s*$/;
/** An answer line longer than this means a runaway script; the host is killed rather than buffered. */
const MAX_LINE_CHARS = 64 * 1024 * 1024;

interface Pending {
  id: string;
  started: number;
  resolve: (result: CommandResult) => void;
  timer: NodeJS.Timeout;
}

interface Host {
  child: ChildProcess;
  calls: number;
  buffer: string;
  stderr: string;
  dead: boolean;
  pending: Pending | null;
}

export class PowerShellHost {
  private host: Host | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private started = 0;

  constructor(private readonly options: PowerShellHostOptions = {}) {}

  /** A PowerShellRunner bound to this host. */
  readonly run: PowerShellRunner = (script, { timeoutMs }) => {
    const call = this.queue.then(() => this.call(script, timeoutMs));
    this.queue = call.catch(() => {});
    return call;
  };

  /** How many host processes were started so far (one, when every call reused it). */
  get hostsStarted(): number {
    return this.started;
  }

  get pid(): number | undefined {
    return this.host && !this.host.dead ? this.host.child.pid : undefined;
  }

  /** Ends the host: stdin closes (PowerShell exits on end of input), then the tree is killed if it lingers. */
  async close(): Promise<void> {
    await this.queue;
    const host = this.host;
    this.host = null;
    if (host && !host.dead) await this.retire(host);
  }

  private async call(script: string, timeoutMs: number): Promise<CommandResult> {
    const command = this.options.command ?? 'powershell.exe';
    const env = this.options.env ?? process.env;
    const resolved = command.includes('/') || command.includes('\\') ? command : findExecutable(command, env);
    if (!resolved) return { kind: 'not_found', command, reason: `${command} was not found on PATH` };

    if (this.host && (this.host.dead || this.host.calls >= (this.options.maxCallsPerHost ?? 200))) {
      const old = this.host;
      this.host = null;
      if (!old.dead) await this.retire(old);
    }
    if (!this.host) {
      const started = this.start(resolved, env);
      if ('kind' in started) return started;
      this.host = started;
    }
    const host = this.host;
    host.calls++;
    host.stderr = '';
    const id = randomBytes(8).toString('hex');
    const line = `__vigil '${id}' '${Buffer.from(script, 'utf8').toString('base64')}'\n`;

    return new Promise<CommandResult>((resolve) => {
      const timer = setTimeout(() => {
        host.pending = null;
        host.dead = true;
        void this.kill(host).then(() =>
          resolve({ kind: 'timed_out', command, reason: `PowerShell did not finish within ${timeoutMs} ms; its host was killed and will be restarted`, stdout: '', stderr: host.stderr }),
        );
      }, timeoutMs);
      host.pending = { id, started: performance.now(), resolve, timer };
      host.child.stdin?.write(line);
    });
  }

  private start(executable: string, env: NodeJS.ProcessEnv): Host | CommandResult {
    let child: ChildProcess;
    try {
      child = spawn(executable, [...(this.options.args ?? DEFAULT_POWERSHELL_ARGS)], {
        env, stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32', windowsHide: true,
      });
    } catch (error) {
      return { kind: 'failed_to_start', command: executable, reason: `could not start ${executable}: ${(error as Error).message}` };
    }
    this.started++;
    const host: Host = { child, calls: 0, buffer: '', stderr: '', dead: false, pending: null };
    // The agent must be able to exit while the host idles; a pending call's timer keeps it alive.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    child.stdin?.on('error', () => {});
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.onStdout(host, chunk));
    child.stderr?.on('data', (chunk: string) => {
      if (host.stderr.length < 64 * 1024) host.stderr += chunk;
    });
    child.once('error', (error) => this.onExit(host, null, null, `PowerShell host failed: ${error.message}`));
    child.once('exit', (code, signal) => this.onExit(host, code, signal, 'the PowerShell host exited during the call'));
    child.stdin?.write(`${HOST_PRELUDE}\n`);
    return host;
  }

  private onStdout(host: Host, chunk: string): void {
    host.buffer += chunk;
    let newline: number;
    while ((newline = host.buffer.indexOf('\n')) !== -1) {
      const line = host.buffer.slice(0, newline).replace(/\r$/, '');
      host.buffer = host.buffer.slice(newline + 1);
      const match = RESULT.exec(line);
      const pending = host.pending;
      // Anything else (a banner, a stray Write-Host) is not an answer and is ignored.
      if (!match || !pending || match[1] !== pending.id) continue;
      host.pending = null;
      clearTimeout(pending.timer);
      pending.resolve({
        kind: 'exited', command: 'powershell', exitCode: Number(match[2]), signal: null,
        stdout: Buffer.from(match[3]!, 'base64').toString('utf8'),
        stderr: Buffer.from(match[4]!, 'base64').toString('utf8') + host.stderr,
        stdoutTruncated: false, durationMs: Math.round(performance.now() - pending.started),
      });
    }
    if (host.buffer.length > MAX_LINE_CHARS) {
      host.buffer = '';
      host.dead = true;
      void this.kill(host);
    }
  }

  private onExit(host: Host, code: number | null, signal: NodeJS.Signals | null, why: string): void {
    host.dead = true;
    const pending = host.pending;
    if (!pending) return;
    host.pending = null;
    clearTimeout(pending.timer);
    pending.resolve({
      kind: 'exited', command: 'powershell', exitCode: code, signal,
      stdout: '', stderr: `${why}${host.stderr.trim() ? `: ${host.stderr.trim()}` : ''}`,
      stdoutTruncated: false, durationMs: Math.round(performance.now() - pending.started),
    });
  }

  private async retire(host: Host): Promise<void> {
    host.child.stdin?.end();
    const exited = new Promise<void>((resolve) => {
      if (host.child.exitCode !== null || host.child.signalCode !== null) resolve();
      else host.child.once('exit', () => resolve());
    });
    const grace = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 2_000).unref());
    if ((await Promise.race([exited, grace])) === 'late') await this.kill(host);
    host.dead = true;
  }

  private async kill(host: Host): Promise<void> {
    if (host.child.pid !== undefined) await terminateTree(host.child.pid, 1_000).catch(() => {});
  }
}

let shared: PowerShellHost | undefined;

/** The agent's one PowerShell host, shared by every Windows source. */
export function sharedPowerShellHost(): PowerShellHost {
  shared ??= new PowerShellHost();
  return shared;
}
