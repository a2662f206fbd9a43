import type { AgentMessage, JobCancelMessage, JobDispatchMessage, JobResultMessage } from '@vigil/shared';
import { performance } from 'node:perf_hooks';
import type { RunStats } from './run-stats.js';

/** What the runner needs of a simulated agent: who it is and a way to answer on its connection. */
export interface JobAnswerer {
  readonly agentId: string;
  /** False when the connection is not usable. */
  send(message: AgentMessage): boolean;
}

export interface DispatchReceipt {
  jobId: string;
  agentId: string;
  /** performance.now() when the dispatch reached the simulated agent. */
  receivedAt: number;
}

/** What every simulated run prints; short, as a health check's output would be. */
const SIM_STDOUT = 'ok\n';

/**
 * Plays the script runner of every simulated agent: nothing is executed; each dispatch is
 * answered with job.started at once and job.result `succeeded` after the configured runtime, the
 * way the real agent's job handler answers (a repeated dispatch of a running run is ignored, of a
 * finished one answered with the same result; one addressed to another agent is rejected). Every
 * first receipt is timed, which is what the bulk-job benchmark measures.
 */
export class SimJobRunner {
  /** runId → its first dispatch, in order of arrival. */
  readonly receipts = new Map<string, DispatchReceipt>();
  repeatedDispatches = 0;
  resultsSent = 0;
  cancelled = 0;
  private readonly running = new Map<string, { timer: NodeJS.Timeout; answerer: JobAnswerer; startedAt: number }>();
  private readonly finished = new Map<string, JobResultMessage>();
  private stopped = false;

  constructor(
    private readonly runtimeMs: number,
    private readonly stats: RunStats,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  onDispatch(answerer: JobAnswerer, dispatch: JobDispatchMessage): void {
    if (this.receipts.has(dispatch.runId)) {
      this.repeatedDispatches++;
      const earlier = this.finished.get(dispatch.runId);
      if (earlier) this.answer(answerer, earlier);
      return;
    }
    this.receipts.set(dispatch.runId, { jobId: dispatch.jobId, agentId: answerer.agentId, receivedAt: this.clock() });
    if (this.stopped) return;
    const startedAt = Date.now();
    if (dispatch.agentId !== answerer.agentId) {
      this.stats.error('misaddressed_dispatch', `run ${dispatch.runId} for ${dispatch.agentId} reached ${answerer.agentId}`);
      return this.finish(answerer, dispatch.runId, startedAt, 'rejected', `job addressed to agent ${dispatch.agentId}, but this is agent ${answerer.agentId}`);
    }
    if (dispatch.expiresAt <= startedAt) {
      this.stats.error('expired_dispatch', `run ${dispatch.runId} arrived ${startedAt - dispatch.expiresAt}ms after it expired`);
      return this.finish(answerer, dispatch.runId, startedAt, 'rejected', 'the dispatch expired before it arrived');
    }
    this.answer(answerer, { type: 'job.started', runId: dispatch.runId, ts: startedAt });
    const timer = setTimeout(() => {
      this.running.delete(dispatch.runId);
      this.finish(answerer, dispatch.runId, startedAt, 'succeeded');
    }, this.runtimeMs);
    this.running.set(dispatch.runId, { timer, answerer, startedAt });
  }

  /** The real agent kills the script and reports the run failed; here there is only a timer to stop. */
  onCancel(cancel: JobCancelMessage): void {
    const run = this.running.get(cancel.runId);
    if (!run) return;
    clearTimeout(run.timer);
    this.running.delete(cancel.runId);
    this.cancelled++;
    this.finish(run.answerer, cancel.runId, run.startedAt, 'failed', 'cancelled by the collector');
  }

  /** Runs still waiting out their runtime. */
  get inProgress(): number {
    return this.running.size;
  }

  /** Stops answering: pending results are dropped, as they would be with a stopped agent. */
  stop(): void {
    this.stopped = true;
    for (const run of this.running.values()) clearTimeout(run.timer);
    this.running.clear();
  }

  private finish(answerer: JobAnswerer, runId: string, startedAt: number, status: 'succeeded' | 'failed' | 'rejected', error?: string): void {
    const succeeded = status === 'succeeded';
    const result: JobResultMessage = {
      type: 'job.result', runId, status,
      exitCode: succeeded ? 0 : null, signal: status === 'failed' ? 'SIGTERM' : null,
      stdout: succeeded ? SIM_STDOUT : '', stderr: '', stdoutTruncated: false, stderrTruncated: false,
      startedAt, durationMs: Math.max(0, Date.now() - startedAt),
      ...(error ? { error } : {}),
    };
    this.finished.set(runId, result);
    if (this.answer(answerer, result)) this.resultsSent++;
  }

  private answer(answerer: JobAnswerer, message: AgentMessage): boolean {
    const sent = answerer.send(message);
    if (!sent) this.stats.error('job_answer_lost', `agent ${answerer.agentId}: ${message.type} for run ${'runId' in message ? message.runId : '?'} not sent: connection closed`);
    return sent;
  }
}
