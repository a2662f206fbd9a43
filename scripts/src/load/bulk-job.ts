import { deadlineSignal, formatDuration } from '@vigil/shared';
import { performance } from 'node:perf_hooks';
import type { ApiClient } from './api-client.js';
import { CollectorMetricsSampler, type CollectorReading } from './collector-metrics.js';
import type { JobProgress } from './job-progress.js';
import { cpuPercent, dispatchTimings, notSucceeded, storeTimings } from './job-timings.js';
import { JobWatcher, type ObservedBy } from './job-watcher.js';
import { roundTo } from './percentiles.js';
import type { RunStats } from './run-stats.js';
import type { SimJobRunner } from './sim-job-runner.js';

export interface BulkJobOptions {
  tenant: string;
  runId: string;
  /** null: the collector's default. */
  concurrency: number | null;
  ratePerSec: number | null;
  runtimeMs: number;
  /** From the POST: give up waiting for the job to finish after this long. */
  timeoutMs: number;
  requestTimeoutMs: number;
}

/** The `job` part of the load summary; every duration counts from sending POST /api/v1/jobs. */
export interface JobSummary {
  jobId: string | null;
  /** The job's status when the benchmark stopped following it. */
  status: string | null;
  runs: number;
  concurrency: number | null;
  ratePerSec: number | null;
  runtimeMs: number;
  /** POST → its 201 (the collector creates every run, and dispatches to connected agents, first). */
  createMs: number | null;
  dispatchesReceived: number;
  /** Dispatches of a run already received (the collector resending). */
  repeatedDispatches: number;
  firstDispatchMs: number | null;
  lastDispatchMs: number | null;
  /** POST → the last simulated agent's dispatch; null unless every run's dispatch arrived. */
  dispatchedToAllMs: number | null;
  dispatchesPerSec: number | null;
  resultsSent: number;
  /** Dispatched runs whose result the collector stored, timed by the runs' finishedAt (the collector's record). */
  resultsStored: number;
  firstResultStoredMs: number | null;
  lastResultStoredMs: number | null;
  resultsStoredPerSec: number | null;
  /** POST → the job finished (its last run ended, by a result or by expiring); null if it did not finish in time. */
  finishedMs: number | null;
  /** POST → the simulator learnt it finished, from the job stream or a poll. */
  finishedObservedMs: number | null;
  observedBy: ObservedBy | null;
  runStates: Record<string, number>;
  notSucceeded: number;
  notSucceededByState: Record<string, number>;
  /** A few runs that did not succeed, with why. */
  notSucceededExamples: Array<{ runId: string; agentId: string; state: string; error: string | null }>;
  /** Collector (and simulator), from just before the POST until the job finished (or the benchmark gave up). */
  collectorCpuPct: number | null;
  collectorRssMbAtStart: number | null;
  collectorPeakRssMb: number | null;
  collectorEventLoopLagMaxMs: number | null;
  simulatorCpuPct: number;
  timedOut: boolean;
  failure: string | null;
}

const MB = 1024 * 1024;
/** Scraped often: a bulk job may be over within a couple of seconds. */
const SCRAPE_EVERY_MS = 250;
const PROGRESS_EVERY_MS = 2000;
const EXAMPLES = 5;

/**
 * One job over every agent of the simulated tenant, created by the benchmark with a script of
 * its own, and followed until it finishes or --job-timeout passes. The simulated agents answer
 * through the shared SimJobRunner, which times each dispatch's arrival.
 */
export class BulkJob {
  private job: JobProgress | null = null;
  private postedAt = 0;
  private postedAtEpoch = 0;
  private answeredAt: number | null = null;
  private endedAt = 0;
  private startReading: CollectorReading | null = null;
  private endReading: CollectorReading | null = null;
  /** performance.now() once each reading came back: the span the CPU figures cover. */
  private startReadAt = 0;
  private endReadAt = 0;
  private simulatorCpuMicros = 0;
  private failure: string | null = null;
  private timedOut = false;
  private readonly sampler: CollectorMetricsSampler;
  private readonly watcher: JobWatcher;

  private constructor(
    private readonly api: ApiClient,
    private readonly runner: SimJobRunner,
    private readonly stats: RunStats,
    private readonly log: (line: string) => void,
    private readonly options: BulkJobOptions,
    private readonly scriptId: string,
  ) {
    this.sampler = new CollectorMetricsSampler(api, stats);
    this.watcher = new JobWatcher(api, stats, log, options.requestTimeoutMs);
  }

  /** Adds the benchmark's script, so that creating it is not part of what is measured. */
  static async prepare(api: ApiClient, runner: SimJobRunner, stats: RunStats, log: (line: string) => void, options: BulkJobOptions): Promise<BulkJob> {
    // Simulated agents run nothing, so an unsigned script does; real agents would run it only in development mode.
    const scriptId = await api.createScript({
      name: `load-sim ${options.runId}: bulk job`, shell: 'sh', body: 'echo ok', timeoutSec: 60, tenant: options.tenant,
    });
    return new BulkJob(api, runner, stats, log, options, scriptId);
  }

  /** Creates the job and follows it until it settles, the timeout passes or the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { options } = this;
    this.startReading = await this.sampler.read();
    this.startReadAt = performance.now();
    this.sampler.resetPeaks();
    this.sampler.peakRssBytes = this.startReading?.rssBytes ?? 0;
    this.sampler.start(SCRAPE_EVERY_MS);
    const cpuAtStart = process.cpuUsage();
    const progress = setInterval(() => this.logProgress(), PROGRESS_EVERY_MS);
    this.postedAt = performance.now();
    this.postedAtEpoch = Date.now();
    const deadline = deadlineSignal(options.timeoutMs, signal);
    try {
      this.job = await this.api.createJob({
        scriptId: this.scriptId, targets: { tenant: options.tenant },
        // Runs of agents not connected when it starts (enrolled, but their handshake failed) expire at
        // once instead of holding the job open; they show as not succeeded, with the reason.
        offline: 'expire', expiresIn: formatDuration(options.timeoutMs + 60_000),
        ...(options.concurrency !== null ? { concurrency: options.concurrency } : {}),
        ...(options.ratePerSec !== null ? { ratePerSec: options.ratePerSec } : {}),
      });
      this.answeredAt = performance.now();
      this.log(`job ${this.job.id}: ${this.job.runs.length} runs created in ${Math.round(this.answeredAt - this.postedAt)}ms; following it until it finishes (up to ${options.timeoutMs}ms)`);
      await this.watcher.watch(this.job.id, deadline.signal);
      this.timedOut = !this.watcher.settled && !signal.aborted;
    } catch (err) {
      this.failure = (err as Error).message;
      this.stats.error('job_failed', this.failure);
    } finally {
      deadline.dispose();
      clearInterval(progress);
    }
    this.endedAt = this.watcher.settledAt ?? performance.now();
    this.sampler.stop();
    this.endReading = (await this.sampler.read()) ?? this.sampler.last;
    this.endReadAt = performance.now();
    const cpu = process.cpuUsage(cpuAtStart);
    this.simulatorCpuMicros = cpu.user + cpu.system;
    this.log(this.watcher.settled
      ? `job ${this.watcher.status} ${Math.round(this.endedAt - this.postedAt)}ms after the POST`
      : `job still ${this.watcher.status ?? 'unknown'} when the benchmark stopped following it`);
  }

  /** Reads the job's runs once more (every run, with the collector's timestamps) and does the sums. */
  async summarize(): Promise<JobSummary> {
    let job = this.job;
    if (job) {
      try {
        job = await this.api.getJob(job.id);
      } catch (err) {
        this.stats.error('job_read_failed', (err as Error).message);
      }
    }
    const runs = job?.runs.length ?? 0;
    const receivedAt: number[] = [];
    for (const receipt of this.runner.receipts.values()) if (job && receipt.jobId === job.id) receivedAt.push(receipt.receivedAt);
    const dispatch = dispatchTimings(this.postedAt, receivedAt, runs);
    const store = storeTimings(this.postedAtEpoch, job?.runs ?? []);
    const counts = job?.counts ?? this.watcher.counts;
    const failed = notSucceeded(counts);
    const status = job?.status ?? this.watcher.status;
    const usageWallMs = this.endReadAt - this.startReadAt;
    const startRss = this.startReading?.rssBytes ?? null;
    return {
      jobId: job?.id ?? null,
      status,
      runs,
      concurrency: job?.concurrency ?? null,
      ratePerSec: job?.ratePerSec ?? null,
      runtimeMs: this.options.runtimeMs,
      createMs: this.answeredAt === null ? null : roundTo(this.answeredAt - this.postedAt, 1),
      dispatchesReceived: dispatch.received,
      repeatedDispatches: this.runner.repeatedDispatches,
      firstDispatchMs: dispatch.firstDispatchMs,
      lastDispatchMs: dispatch.lastDispatchMs,
      dispatchedToAllMs: dispatch.dispatchedToAllMs,
      dispatchesPerSec: dispatch.dispatchesPerSec,
      resultsSent: this.runner.resultsSent,
      resultsStored: store.stored,
      firstResultStoredMs: store.firstResultStoredMs,
      lastResultStoredMs: store.lastResultStoredMs,
      resultsStoredPerSec: store.resultsStoredPerSec,
      finishedMs: status === 'finished' ? store.lastRunEndedMs : null,
      finishedObservedMs: this.watcher.settledAt === null ? null : roundTo(this.watcher.settledAt - this.postedAt, 1),
      observedBy: this.watcher.observedBy,
      runStates: Object.fromEntries(Object.entries(counts).filter(([, n]) => n)),
      notSucceeded: failed.total,
      notSucceededByState: failed.byState,
      notSucceededExamples: (job?.runs ?? []).filter((run) => run.state !== 'succeeded').slice(0, EXAMPLES)
        .map((run) => ({ runId: run.id, agentId: run.agentId, state: run.state, error: run.error })),
      collectorCpuPct: cpuPercent(this.startReading?.cpuSeconds ?? null, this.endReading?.cpuSeconds ?? null, usageWallMs),
      collectorRssMbAtStart: startRss === null ? null : roundTo(startRss / MB, 1),
      collectorPeakRssMb: this.sampler.peakRssBytes > 0 ? roundTo(this.sampler.peakRssBytes / MB, 1) : null,
      collectorEventLoopLagMaxMs: this.sampler.peakEventLoopLagSeconds > 0 ? roundTo(this.sampler.peakEventLoopLagSeconds * 1000, 1) : null,
      simulatorCpuPct: cpuPercent(0, this.simulatorCpuMicros / 1e6, usageWallMs) ?? 0,
      timedOut: this.timedOut,
      failure: this.failure,
    };
  }

  /** Stops the collector scrapes, should the run have been abandoned midway. */
  stop(): void {
    this.sampler.stop();
  }

  private logProgress(): void {
    const received = this.runner.receipts.size;
    const counts = Object.entries(this.watcher.counts).filter(([, n]) => n).map(([state, n]) => `${state} ${n}`).join(', ');
    this.log(`job: ${received} dispatches received, ${this.runner.resultsSent} results sent${counts ? `; runs: ${counts}` : ''}`);
  }
}
