import { judgeDispatch, type JobDispatchMessage, type JobOutputMessage, type JobResultMessage, type TrustDocument } from '@vigil/shared';
import type { JobMessage } from '../connection/job-outbox.js';
import type { Logger } from '../log.js';
import { RunLedger } from '../state/run-ledger.js';
import type { OutputChunk } from './live-output.js';
import { notRun, runScript, type RunOptions, type ScriptRunResult, type ScriptToRun } from './script-runner.js';

export type AgentPlatform = 'linux' | 'windows' | 'darwin';

/** How scripts name operating systems; anything not Windows or macOS runs POSIX scripts as Linux does. */
export function agentPlatform(platform: NodeJS.Platform = process.platform): AgentPlatform {
  return platform === 'win32' ? 'windows' : platform === 'darwin' ? 'darwin' : 'linux';
}

export const RESTARTED_MID_RUN = 'the agent restarted while this run was in progress';

export interface JobHandlerOptions {
  agentId: string;
  /** The agent's tenant, from its enrollment: a script signed for another tenant is refused. */
  tenantId: string;
  platform?: AgentPlatform;
  /** The pinned trust document, read at every dispatch (trust.update may replace it). */
  trust: () => TrustDocument | null;
  /** Development mode: unsigned scripts run too (the CLI allows it only with a loopback collector). */
  allowUnsigned?: boolean;
  /** Run ids seen, persisted across restarts (default: memory only). */
  ledger?: RunLedger;
  /** Where job.started / job.result go; the connection holds them until it can send. */
  send: (message: JobMessage) => void;
  /** Where live output (job.output) goes; the connection sends it now or drops it. Unset: none is sent. */
  sendOutput?: (message: JobOutputMessage) => void;
  logger: Logger;
  runOptions?: Omit<RunOptions, 'signal' | 'cancel' | 'onSpawn' | 'onOutput'>;
  now?: () => number;
  /** Runs an accepted script (tests replace it to see what would run). */
  run?: (script: ScriptToRun, options: RunOptions) => Promise<ScriptRunResult>;
}

/**
 * Turns job.dispatch messages into script runs, each decided by judgeDispatch: addressed here,
 * unexpired, signed by a pinned key and unaltered, for this tenant and OS, with parameter values the
 * signer allowed. A refusal answers `rejected` with the reason and starts nothing. Runs proceed
 * concurrently with telemetry and with each other. A run id seen before is never run again, not
 * even after a restart: the collector re-dispatches runs it has no result for, and a remediation
 * must not happen twice.
 */
export class JobHandler {
  private readonly running = new Map<string, { jobId: string; cancel: AbortController; done: Promise<void> }>();
  private readonly abort = new AbortController();
  private readonly ledger: RunLedger;
  private readonly now: () => number;

  constructor(private readonly options: JobHandlerOptions) {
    this.ledger = options.ledger ?? new RunLedger({ file: null });
    this.now = options.now ?? Date.now;
  }

  get activeRuns(): number {
    return this.running.size;
  }

  handle(dispatch: JobDispatchMessage): void {
    const { logger } = this.options;
    const log = logger.child({ jobId: dispatch.jobId, runId: dispatch.runId });
    if (this.running.has(dispatch.runId)) {
      log.info('run already in progress; ignoring the repeated dispatch');
      return;
    }
    const earlier = this.ledger.get(dispatch.runId);
    if (earlier?.result) {
      log.info('run already finished; sending its result again');
      this.options.send(earlier.result);
      return;
    }
    if (earlier) {
      // Seen, never finished: this agent died during the run. Whatever the script did then, running
      // it again could do it twice.
      log.warn(RESTARTED_MID_RUN);
      this.complete(dispatch, notRun('error', RESTARTED_MID_RUN, this.now()));
      return;
    }

    const verdict = judgeDispatch(
      { agentId: dispatch.agentId, expiresAt: dispatch.expiresAt, script: dispatch.script, params: dispatch.params },
      {
        agentId: this.options.agentId,
        tenantId: this.options.tenantId,
        platform: this.options.platform ?? agentPlatform(),
        trust: this.options.trust(),
        allowUnsigned: this.options.allowUnsigned ?? false,
        now: this.now(),
      },
    );
    const { manifest, signature } = dispatch.script;
    if (!verdict.run) {
      log.warn({ script: manifest.name, version: manifest.version, signer: signature?.keyId ?? null, reason: verdict.reason }, 'refusing a script');
      this.complete(dispatch, notRun('rejected', verdict.reason, this.now()));
      return;
    }
    if (verdict.signer === null) {
      log.warn({ script: manifest.name, version: manifest.version, digest: verdict.digest }, 'DEVELOPMENT MODE: running an UNSIGNED script (--allow-unsigned); nobody vouched for what it does');
    }

    try {
      this.ledger.begin(dispatch.runId, dispatch.jobId, this.now());
    } catch (error) {
      // Unrecorded, a restart could not tell the run had happened and might run it twice.
      const reason = `the agent cannot record the run, so it does not start it: ${(error as Error).message}`;
      log.error({ err: (error as Error).message }, reason);
      this.options.send({ type: 'job.result', runId: dispatch.runId, ...notRun('error', reason, this.now()) });
      return;
    }

    log.info({ script: manifest.name, version: manifest.version, signer: verdict.signer, digest: verdict.digest, shell: manifest.shell, timeoutSec: manifest.timeoutSec, runAs: manifest.runAs }, 'running script');
    const script: ScriptToRun = {
      shell: manifest.shell,
      body: manifest.body,
      args: verdict.argv,
      env: { ...manifest.env, ...verdict.env },
      timeoutSec: manifest.timeoutSec,
      runAs: manifest.runAs,
    };
    const cancel = new AbortController();
    const run = this.options.run ?? runScript;
    const done = (async () => {
      let result: ScriptRunResult;
      try {
        let announced = false;
        const announce = () => {
          if (announced) return;
          announced = true;
          this.options.send({ type: 'job.started', runId: dispatch.runId, ts: this.now() });
        };
        const { sendOutput } = this.options;
        const onOutput = sendOutput ? { onOutput: (chunk: OutputChunk) => sendOutput({ type: 'job.output', runId: dispatch.runId, ...chunk }) } : {};
        // Announced only when the script really starts; a refusal goes straight to its result.
        result = await run(script, { ...this.options.runOptions, signal: this.abort.signal, cancel: cancel.signal, onSpawn: announce, ...onOutput });
      } catch (error) {
        result = notRun('error', `the agent could not run the script: ${(error as Error).message}`, this.now());
      }
      const level = result.status === 'rejected' ? 'warn' : 'info';
      log[level]({ status: result.status, exitCode: result.exitCode, signal: result.signal, durationMs: result.durationMs, error: result.error }, 'script finished');
      this.running.delete(dispatch.runId);
      this.complete(dispatch, result);
    })();
    this.running.set(dispatch.runId, { jobId: dispatch.jobId, cancel, done });
  }

  /** job.cancel: kills the run's process tree; it then ends as failed. Unknown or finished runs are ignored. */
  cancel(runId: string): boolean {
    const run = this.running.get(runId);
    if (!run) {
      this.options.logger.debug({ runId }, 'cancel for a run that is not running; ignored');
      return false;
    }
    this.options.logger.info({ runId, jobId: run.jobId }, 'the collector cancelled a run; stopping it');
    run.cancel.abort();
    return true;
  }

  /** Kills running scripts (their trees) and waits for them to wind up. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  /** Records the result (so a repeat gets the same answer), then sends it. */
  private complete(dispatch: JobDispatchMessage, result: ScriptRunResult): void {
    const message: JobResultMessage = { type: 'job.result', runId: dispatch.runId, ...result };
    try {
      this.ledger.finish(dispatch.runId, dispatch.jobId, message, this.now());
    } catch (error) {
      this.options.logger.error({ runId: dispatch.runId, err: (error as Error).message }, 'cannot record the run result; a repeated dispatch will be answered as interrupted');
    }
    this.options.send(message);
  }
}
