import type { JobDispatchMessage, JobResultMessage } from '@vigil/shared';
import type { JobMessage } from '../connection/job-outbox.js';
import type { Logger } from '../log.js';
import { notRun, runScript, type RunOptions, type ScriptRunResult } from './script-runner.js';

export interface JobHandlerOptions {
  agentId: string;
  /** Where job.started / job.result go; the connection holds them until it can send. */
  send: (message: JobMessage) => void;
  logger: Logger;
  runOptions?: Omit<RunOptions, 'signal' | 'onSpawn'>;
  /** How many finished results to remember (output included), to answer a re-dispatch without running twice. */
  rememberResults?: number;
}

/**
 * Turns job.dispatch messages into script runs. Runs proceed concurrently with telemetry and
 * with each other. A run id seen before is never run again: the collector re-dispatches runs it
 * has no result for after a reconnect, and a remediation must not happen twice.
 */
export class JobHandler {
  private readonly running = new Map<string, Promise<void>>();
  private readonly finished = new Map<string, JobResultMessage>();
  private readonly abort = new AbortController();

  constructor(private readonly options: JobHandlerOptions) {}

  get activeRuns(): number {
    return this.running.size;
  }

  handle(dispatch: JobDispatchMessage): void {
    const { logger, send } = this.options;
    const log = logger.child({ jobId: dispatch.jobId, runId: dispatch.runId });
    if (this.running.has(dispatch.runId)) {
      log.info('run already in progress; ignoring the repeated dispatch');
      return;
    }
    const earlier = this.finished.get(dispatch.runId);
    if (earlier) {
      log.info('run already finished; sending its result again');
      send(earlier);
      return;
    }
    if (dispatch.agentId !== this.options.agentId) {
      log.warn({ addressedTo: dispatch.agentId }, 'job addressed to another agent; rejecting');
      this.complete(dispatch.runId, notRun('rejected', `job addressed to agent ${dispatch.agentId}, but this is agent ${this.options.agentId}`, Date.now()));
      return;
    }

    log.info({ shell: dispatch.script.shell, timeoutSec: dispatch.script.timeoutSec }, 'running script');
    const run = (async () => {
      let result: ScriptRunResult;
      try {
        let announced = false;
        const announce = () => {
          if (announced) return;
          announced = true;
          send({ type: 'job.started', runId: dispatch.runId, ts: Date.now() });
        };
        // Announced only when the script really starts; a refusal goes straight to its result.
        result = await runScript(dispatch.script, { ...this.options.runOptions, signal: this.abort.signal, onSpawn: announce });
      } catch (error) {
        result = notRun('error', `the agent could not run the script: ${(error as Error).message}`, Date.now());
      }
      log.info({ status: result.status, exitCode: result.exitCode, signal: result.signal, durationMs: result.durationMs, error: result.error }, 'script finished');
      this.complete(dispatch.runId, result);
    })().finally(() => this.running.delete(dispatch.runId));
    this.running.set(dispatch.runId, run);
  }

  /** Kills running scripts (their trees) and waits for them to wind up. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.running.values()]);
  }

  private complete(runId: string, result: ScriptRunResult): void {
    const message: JobResultMessage = { type: 'job.result', runId, ...result };
    this.finished.set(runId, message);
    this.running.delete(runId);
    const limit = this.options.rememberResults ?? 32;
    while (this.finished.size > limit) {
      const oldest = this.finished.keys().next().value;
      if (oldest === undefined) break;
      this.finished.delete(oldest);
    }
    this.options.send(message);
  }
}
