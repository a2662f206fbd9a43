import {
  SCRIPT_OUTPUT_CAP_BYTES, utf8ByteLength, type JobOutputMessage, type JobStreamMessage, type OutputStream, type RunState,
} from '@vigil/shared';
import type { Logger } from 'pino';
import { JobListeners } from './job-listeners.js';

export type RunOutputMessage = Extract<JobStreamMessage, { type: 'run.output' }>;

export interface LiveOutputLimits {
  /** Bytes kept per stream of a run: what the agent captures for its result, no more. */
  perStreamBytes: number;
  /** Bytes kept for all running runs together; past it, chunks are dropped until runs end. */
  totalBytes: number;
}

export const DEFAULT_LIVE_OUTPUT_LIMITS: LiveOutputLimits = {
  perStreamBytes: SCRIPT_OUTPUT_CAP_BYTES,
  totalBytes: 32 * 1024 * 1024,
};

/** A run as the store knows it: whose it is and where it stands. */
export interface RunOwner { jobId: string; agentId: string; state: RunState }

/** What became of a chunk. Anything but `kept` was dropped and reached no watcher. */
export type ChunkVerdict =
  | 'kept'
  /** Unknown run, or another agent's. */
  | 'not_yours'
  /** The run is not (or no longer) out on its agent: not sent, or final. */
  | 'not_running'
  /** The offset does not continue what was kept: a chunk was lost (a reconnect) or repeated. */
  | 'gap'
  | 'over_run_cap'
  | 'over_total_cap';

interface StreamText { parts: string[]; bytes: number }
interface RunText { runId: string; jobId: string; agentId: string; stdout: StreamText; stderr: StreamText }

/** States in which the run is on its agent, so output from that agent may be coming. */
const OUT_ON_AGENT: readonly RunState[] = ['sent', 'running'];

/**
 * What running scripts printed so far, kept in memory for the job stream: a watcher who connects
 * mid-run is sent it first, then every chunk as it arrives. Only the run's own agent may add to
 * a run, only while the run is out on it, and only in order (each chunk continues the last);
 * anything else is dropped. A run's text goes once its result is stored, or once its agent
 * disconnects (chunks lost meanwhile would leave a gap anyway). Memory is bounded per stream of a
 * run and in total; past a bound, chunks are dropped, and the stored result still has everything.
 */
export class LiveOutput {
  private readonly runs = new Map<string, RunText>();
  private readonly runsOfJob = new Map<string, Set<string>>();
  private readonly runsOfAgent = new Map<string, Set<string>>();
  private readonly listeners: JobListeners<RunOutputMessage>;
  private total = 0;

  constructor(
    /** The run's owner and state; read once, on a run's first chunk. */
    private readonly lookup: (runId: string) => RunOwner | undefined,
    private readonly log: Pick<Logger, 'debug' | 'error'>,
    private readonly limits: LiveOutputLimits = DEFAULT_LIVE_OUTPUT_LIMITS,
  ) {
    this.listeners = new JobListeners((err, jobId) => this.log.error({ err, jobId }, 'live output listener failed'));
  }

  /** Bytes kept for all runs. */
  get bytes(): number {
    return this.total;
  }

  /** Runs with output kept. */
  get size(): number {
    return this.runs.size;
  }

  /** A job.output from `agentId`: kept and relayed to the job's watchers, or dropped. */
  accept(agentId: string, chunk: JobOutputMessage): ChunkVerdict {
    const verdict = this.keep(agentId, chunk);
    if (verdict !== 'kept') {
      this.log.debug({ agentId, runId: chunk.runId, stream: chunk.stream, offset: chunk.offset, verdict }, 'job.output dropped');
    }
    return verdict;
  }

  /** The job's chunks as they are kept, until the returned function is called. */
  subscribe(jobId: string, listener: (message: RunOutputMessage) => void): () => void {
    return this.listeners.subscribe(jobId, listener);
  }

  /** Everything kept for the job's runs, one message per stream of a run, each from offset 0. */
  replay(jobId: string): RunOutputMessage[] {
    const messages: RunOutputMessage[] = [];
    for (const runId of this.runsOfJob.get(jobId) ?? []) {
      const run = this.runs.get(runId)!;
      for (const stream of ['stdout', 'stderr'] as const) {
        const text = run[stream];
        if (text.bytes === 0) continue;
        // Joined once: the next watcher gets the same string without joining again.
        if (text.parts.length > 1) text.parts = [text.parts.join('')];
        messages.push({ type: 'run.output', runId, agentId: run.agentId, stream, offset: 0, data: text.parts[0]! });
      }
    }
    return messages;
  }

  /** The run's result is stored (or the agent sent one): its live text is not needed any more. */
  runEnded(agentId: string, runId: string): void {
    const run = this.runs.get(runId);
    if (run && run.agentId === agentId) this.forget(run);
  }

  /** The agent's connection is gone: what it sends after a reconnect cannot continue what is kept. */
  agentGone(agentId: string): void {
    for (const runId of [...(this.runsOfAgent.get(agentId) ?? [])]) this.forget(this.runs.get(runId)!);
  }

  private keep(agentId: string, chunk: JobOutputMessage): ChunkVerdict {
    let run = this.runs.get(chunk.runId);
    if (run && run.agentId !== agentId) return 'not_yours';
    if (!run) {
      // A run is taken up at its first byte only: a later chunk cannot be placed without the earlier ones.
      if (chunk.offset !== 0) return 'gap';
      const owner = this.lookup(chunk.runId);
      if (!owner || owner.agentId !== agentId) return 'not_yours';
      if (!OUT_ON_AGENT.includes(owner.state)) return 'not_running';
      run = { runId: chunk.runId, jobId: owner.jobId, agentId, stdout: { parts: [], bytes: 0 }, stderr: { parts: [], bytes: 0 } };
    }
    const text = run[chunk.stream];
    if (chunk.offset !== text.bytes) return 'gap';
    const bytes = utf8ByteLength(chunk.data);
    if (text.bytes + bytes > this.limits.perStreamBytes) return 'over_run_cap';
    if (this.total + bytes > this.limits.totalBytes) return 'over_total_cap';
    if (!this.runs.has(run.runId)) this.remember(run);
    text.parts.push(chunk.data);
    text.bytes += bytes;
    this.total += bytes;
    this.publish(run, chunk.stream, chunk.offset, chunk.data);
    return 'kept';
  }

  private publish(run: RunText, stream: OutputStream, offset: number, data: string): void {
    if (!this.listeners.watched(run.jobId)) return;
    this.listeners.emit(run.jobId, { type: 'run.output', runId: run.runId, agentId: run.agentId, stream, offset, data });
  }

  private remember(run: RunText): void {
    this.runs.set(run.runId, run);
    index(this.runsOfJob, run.jobId).add(run.runId);
    index(this.runsOfAgent, run.agentId).add(run.runId);
  }

  private forget(run: RunText): void {
    this.runs.delete(run.runId);
    unindex(this.runsOfJob, run.jobId, run.runId);
    unindex(this.runsOfAgent, run.agentId, run.runId);
    this.total -= run.stdout.bytes + run.stderr.bytes;
  }
}

function index(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function unindex(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
