import type { CollectorMessage, SignedScript } from '@vigil/shared';
import type { Logger } from 'pino';
import type { ConnectionRegistry } from '../gateway/connection-registry.js';
import type { Store } from '../store/index.js';
import type { JobRecord } from '../store/jobs.js';
import { DispatchThrottle } from './dispatch-throttle.js';
import type { JobProgress } from './job-progress.js';
import type { RunOutcomes } from './run-outcomes.js';

export interface DispatcherOptions {
  /** How often the pump runs when nothing wakes it sooner (limits refill, expiry is swept). */
  tickMs?: number;
  /** Dispatches per pump turn, across jobs; more wait for the next turn so the API stays responsive. */
  maxPerTurn?: number;
}

/** What the dispatcher keeps of an active job: its limits, its queue of sendable runs and the message it sends. */
class LiveJob {
  /** Queued runs whose agent was connected when they were queued here, in order: run id → agent id. */
  readonly ready = new Map<string, string>();
  /** Runs sent or running: what the concurrency limit counts. */
  readonly inFlight = new Set<string>();
  readonly throttle: DispatchThrottle;
  /** Runs not final yet; the job is finished when none is left. */
  unfinished = 0;
  /** Past its expiry: nothing more is sent, and only the results of runs under way are awaited. */
  expired = false;
  /** The dispatch serialized once without its run and agent: a bulk job sends the same script thousands of times. */
  private readonly head: string;

  constructor(readonly record: JobRecord, script: SignedScript, now: number) {
    this.throttle = new DispatchThrottle(record.concurrency, record.ratePerSec, now);
    const message = { type: 'job.dispatch', jobId: record.id, expiresAt: record.expiresAt, script, params: record.params } satisfies Omit<Extract<CollectorMessage, { type: 'job.dispatch' }>, 'runId' | 'agentId'>;
    this.head = JSON.stringify(message).slice(0, -1);
  }

  messageFor(runId: string, agentId: string): string {
    return `${this.head},"runId":${JSON.stringify(runId)},"agentId":${JSON.stringify(agentId)}}`;
  }
}

/**
 * Sends the queued runs of active jobs to their agents as `job.dispatch`, within each job's
 * limits (concurrency, dispatches per second), when their agents are connected: now, or when
 * they connect later (before the job expires). Runs still queued at the job's expiry become
 * `expired`; with `offline: expire`, runs whose agents are not connected when the job starts
 * expire at once. Writes are batched: one transaction per pump turn.
 */
export class JobDispatcher {
  private readonly live = new Map<string, LiveJob>();
  private timer: NodeJS.Timeout | undefined;
  private wakeScheduled = false;
  private readonly tickMs: number;
  private readonly maxPerTurn: number;

  constructor(
    private readonly store: Store,
    private readonly registry: ConnectionRegistry,
    private readonly outcomes: RunOutcomes,
    private readonly progress: JobProgress,
    private readonly log: Logger,
    private readonly now: () => number,
    options: DispatcherOptions = {},
  ) {
    this.tickMs = options.tickMs ?? 100;
    this.maxPerTurn = options.maxPerTurn ?? 5_000;
  }

  /** Picks up the active jobs (after a restart: their queues, and the runs already under way) and starts the pump. */
  start(): void {
    for (const record of this.store.jobs.activeRecords()) this.activate(record.id, { starting: false });
    this.timer = setInterval(() => this.pump(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.live.clear();
  }

  /** The runbook run a live job is a step of (saves a read per result). */
  runbookRunOf(jobId: string): string | null | undefined {
    const live = this.live.get(jobId);
    return live ? live.record.runbookRunId : undefined;
  }

  /**
   * Starts dispatching an active job. `starting`: the job starts now (created, or approved), so
   * `offline: expire` applies to its agents that are not connected.
   */
  activate(jobId: string, { starting }: { starting: boolean }): void {
    const record = this.store.jobs.getRecord(jobId);
    if (!record || record.status !== 'active' || this.live.has(jobId)) return;
    const script = this.store.scripts.getVersion(record.scriptId, record.version);
    if (!script) {
      this.log.error({ jobId, scriptId: record.scriptId, version: record.version }, 'job names a script version that does not exist; not dispatching it');
      return;
    }
    // Unsigned scripts (development mode) may have their arguments replaced per job; signed ones never.
    const signed: SignedScript = script.signature === null
      ? { manifest: { ...script.manifest, args: record.args }, signature: null }
      : { manifest: script.manifest, signature: script.signature };
    const live = new LiveJob(record, signed, this.now());
    this.live.set(jobId, live);
    const open = this.store.jobs.runRefs(jobId, ['queued', 'sent', 'running']);
    const offline: string[] = [];
    for (const run of open) {
      if (run.state !== 'queued') {
        live.inFlight.add(run.id);
        continue;
      }
      if (this.registry.isOnline(run.agentId)) live.ready.set(run.id, run.agentId);
      else if (starting && record.offline === 'expire') offline.push(run.id);
    }
    live.throttle.adopt(live.inFlight.size);
    live.unfinished = open.length;
    if (offline.length > 0) this.endQueued(live, 'expired', 'the agent was not connected when the job started (offline: expire)', offline);
    if (!this.finishIfDone(live)) this.wake();
  }

  /** The job was cancelled or rejected: nothing more of it is sent. */
  forget(jobId: string): void {
    this.live.delete(jobId);
  }

  /**
   * An agent connected (after its welcome): its queued runs of active jobs join their queues, runs
   * sent on a connection that dropped before job.started are sent again (the agent ignores a run
   * id it has seen), and runs of stopped jobs it may still hold are cancelled.
   */
  agentConnected(agentId: string): void {
    const connection = this.registry.get(agentId);
    if (!connection) return;
    const now = this.now();
    for (const run of this.store.jobs.openRunsOfAgent(agentId)) {
      if (run.jobStatus === 'active') {
        const live = this.live.get(run.jobId);
        if (!live) continue;
        if (run.state === 'queued' && !live.expired && now < live.record.expiresAt) live.ready.set(run.id, agentId);
        // Past the expiry too: the agent then refuses it, and the run ends with its answer.
        else if (run.state === 'sent') connection.sendSerialized(live.messageFor(run.id, agentId));
      } else if (run.jobStatus === 'cancelled' && run.state !== 'queued') {
        connection.send({ type: 'job.cancel', runId: run.id });
      }
    }
    this.wake();
  }

  /** A run of the job reached a final state by its agent's result: its slot is free, and the job may be done. */
  runEnded(jobId: string, runId: string): void {
    const live = this.live.get(jobId);
    if (!live) return;
    if (live.inFlight.delete(runId)) live.throttle.finished();
    live.ready.delete(runId);
    live.unfinished -= 1;
    if (!this.finishIfDone(live)) this.wake();
  }

  /** Runs the pump soon (new work, a free slot); the timer runs it anyway every tick. */
  private wake(): void {
    if (this.wakeScheduled || this.timer === undefined) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.pump();
    });
  }

  /** One turn: expire what is due, then send what each job's limits allow, and record the sends in one transaction. */
  pump(): void {
    const now = this.now();
    const sent: string[] = [];
    const sentByJob = new Map<string, string[]>();
    let budget = this.maxPerTurn;
    try {
      for (const live of [...this.live.values()]) {
        if (!live.expired && now >= live.record.expiresAt) this.expire(live);
        if (live.expired) continue;
        if (live.ready.size === 0 || budget <= 0) continue;
        let allowance = Math.min(live.throttle.allowance(now), budget);
        const jobSent: string[] = [];
        for (const [runId, agentId] of live.ready) {
          if (allowance <= 0) break;
          live.ready.delete(runId);
          // An agent that went away keeps its run queued; it is picked up again when it connects.
          const connection = this.registry.get(agentId);
          if (!connection || !connection.sendSerialized(live.messageFor(runId, agentId))) continue;
          live.inFlight.add(runId);
          jobSent.push(runId);
          allowance -= 1;
        }
        if (jobSent.length === 0) continue;
        live.throttle.sent(jobSent.length, now);
        budget -= jobSent.length;
        sent.push(...jobSent);
        sentByJob.set(live.record.id, jobSent);
      }
      if (sent.length > 0) this.store.jobs.markSent(sent, now);
    } catch (err) {
      this.log.error({ err }, 'job dispatch turn failed');
      return;
    }
    for (const [jobId, runIds] of sentByJob) this.progress.runsChanged(jobId, runIds);
    if (budget <= 0) this.wake();
  }

  private expire(live: LiveJob): void {
    live.expired = true;
    live.ready.clear();
    const at = new Date(live.record.expiresAt).toISOString();
    this.endQueued(live, 'expired', `the job expired at ${at} before the run could be sent`);
    // Runs already sent stay with their agents, which refuse a dispatch past its expiry themselves.
    this.finishIfDone(live);
  }

  private endQueued(live: LiveJob, state: 'expired' | 'cancelled', reason: string, onlyRunIds?: readonly string[]): void {
    const ended = this.store.jobs.endQueued(live.record.id, state, reason, this.now(), onlyRunIds);
    for (const run of ended) live.ready.delete(run.id);
    live.unfinished -= ended.length;
    this.outcomes.announce(live.record.id, ended);
  }

  /** Every run final: the job is finished. */
  private finishIfDone(live: LiveJob): boolean {
    if (live.unfinished > 0) return false;
    this.live.delete(live.record.id);
    if (this.store.jobs.setStatus(live.record.id, 'finished', ['active'])) {
      this.log.info({ jobId: live.record.id }, 'job finished');
      this.progress.jobChanged(live.record.id);
    }
    return true;
  }
}
