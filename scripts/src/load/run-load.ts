import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { deadlineSignal } from '@vigil/shared';
import type { ApiClient } from './api-client.js';
import { backgroundRules } from './background-rules.js';
import { BreachDriver } from './breach-driver.js';
import { BulkJob, type JobSummary } from './bulk-job.js';
import { CollectorMetricsSampler, type CollectorReading } from './collector-metrics.js';
import type { CollectorLogCounts } from './collector-process.js';
import { fdLimitWarning } from './fd-limit.js';
import { FeedWatcher } from './feed-watcher.js';
import { closeFleet, connectFleet, keepAlive } from './fleet.js';
import { FrameScheduler } from './frame-scheduler.js';
import type { LoadOptions } from './options.js';
import { roundTo, summarize } from './percentiles.js';
import { sleep, waitUntil } from './pool.js';
import { RunStats } from './run-stats.js';
import { BREACH_METRIC } from './sample-profile.js';
import type { SimAgent } from './sim-agent.js';
import { SimJobRunner } from './sim-job-runner.js';

export interface LoadSummary {
  agents: number;
  intervalMs: number;
  durationMs: number;
  connectMs: number;
  /** Handshakes the simulated agents tried again, with backoff, after a timeout or a lost connection. */
  connectRetries: number;
  /** Enrollments the collector's per-address rate limit answered 429, retried after its Retry-After. */
  enrollRateLimited: number;
  framesSent: number;
  framesAcked: number;
  ackedPerSec: number;
  ackLatencyMs: { p50: number | null; p90: number | null; p99: number | null; max: number | null };
  breachToAlertMs: { count: number; p50: number | null; p99: number | null; max: number | null; missed: number };
  unackedAtEnd: number;
  closesByCode: Record<string, number>;
  errors: number;
  collectorRssMb: number | null;
  collectorPeakRssMb: number | null;
  simulatorRssMb: number;
  // Beyond the headline numbers: what tells whether the collector or the simulator was the limit.
  connected: number;
  samplesPerFrame: number;
  /** Rules active during the run: the load rule and the background ones. */
  rules: number;
  /** Alerts the background rules opened: built never to open any, so anything but 0 skews the run. */
  backgroundAlertsOpened: number;
  collectorCpuPct: number | null;
  simulatorCpuPct: number;
  /** Median ack latency of the frames sent in each quarter of the window: growth means a backlog. */
  ackLatencyP50ByQuarterMs: Array<number | null>;
  collectorEventLoopLagMaxMs: number | null;
  collectorSlowestScrapeMs: number | null;
  simulatorSendLagMs: { p50: number | null; p99: number | null; max: number | null };
  collectorLog: { warn: number; error: number } | null;
  errorsByKind: Record<string, number>;
  /** Collector messages of types the simulator does not know (ignored, as the real agent does). */
  ignoredMessagesByType: Record<string, number>;
  interrupted: boolean;
  /** With --job: the bulk job's figures (null if it never started). */
  job?: JobSummary | null;
}

export interface RunContext {
  api: ApiClient;
  log: (line: string) => void;
  signal: AbortSignal;
  /** Present when the simulator started the collector itself. */
  collectorLog: CollectorLogCounts | null;
}

const MB = 1024 * 1024;
/** The site and tag every simulated agent enrolls with. */
const SIM_SITE = 'sim';
const SIM_TAG = 'load-sim';
const SCRAPE_EVERY_MS = 2000;
const CLOSE_TIMEOUT_MS = 5000;

/**
 * One load run: enroll and connect the fleet, warm up, measure for the duration, drain the
 * outstanding acks and alerts, and tear everything down. Every wait is bounded, and an abort
 * (SIGINT) skips straight to the teardown with whatever was measured so far.
 */
export async function runLoad(options: LoadOptions, ctx: RunContext): Promise<LoadSummary> {
  const { api, log, signal } = ctx;
  const stats = new RunStats(log);
  const sampler = new CollectorMetricsSampler(api, stats);
  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const tenant = `load-${runId}`;
  const agents: SimAgent[] = [];
  let feed: FeedWatcher | null = null;
  let ruleId: string | null = null;
  const backgroundRuleIds: string[] = [];
  let stopKeepAlive = (): void => {};
  let scheduler: FrameScheduler | null = null;
  let breaches: BreachDriver | null = null;
  // Every simulated agent answers dispatches, as a real one would, whether or not this run creates a job.
  const jobRunner = new SimJobRunner(options.jobRuntimeMs, stats);
  let bulkJob: BulkJob | null = null;
  let jobStarted = false;
  let jobSummary: JobSummary | null = null;

  let connectMs = 0;
  let windowMs = 0;
  let startReading: CollectorReading | null = null;
  let endReading: CollectorReading | null = null;
  let simulatorCpuPct = 0;
  let simulatorRssBytes = 0;
  let unackedAtEnd = 0;

  const fdWarning = fdLimitWarning(options.agents);
  if (fdWarning) log(`warning: ${fdWarning}`);

  try {
    sampler.start(SCRAPE_EVERY_MS);
    await sampler.read();
    const enrollmentToken = await api.createEnrollmentToken({
      tenant, site: SIM_SITE, tags: [SIM_TAG], maxUses: options.agents, expiresInMs: 3_600_000,
    });
    // Normal frames never exceed 60 % CPU, so only the deliberate 99 % frames open this rule's alerts.
    const rule = await api.createRule({
      name: `load-sim ${runId}: CPU breach`, metric: BREACH_METRIC, op: '>', threshold: 95, clearThreshold: 90,
      forSamples: 1, priority: 'P4', scope: { tenant },
    });
    ruleId = rule.id;
    feed = new FeedWatcher(rule.id, stats);
    await feed.connect(api.alertStreamUrl(), options.requestTimeoutMs);
    log(`tenant ${tenant}, rule ${rule.id}; enrolling and connecting ${options.agents} agents (${options.connectConcurrency} at a time)`);

    const connectStarted = performance.now();
    stopKeepAlive = keepAlive(agents);
    const progress = setInterval(() => log(`connected ${agents.length}/${options.agents}`), 2000);
    const connectDeadline = deadlineSignal(options.connectTimeoutMs, signal);
    try {
      await connectFleet(api, {
        agents: options.agents, samplesPerFrame: options.samplesPerFrame, concurrency: options.connectConcurrency,
        timeoutMs: options.requestTimeoutMs, enrollmentToken, hostPrefix: `sim-${runId}`, jobs: jobRunner,
      }, stats, connectDeadline.signal, agents);
    } finally {
      connectDeadline.dispose();
      clearInterval(progress);
    }
    connectMs = performance.now() - connectStarted;
    log(`connected ${agents.length}/${options.agents} in ${Math.round(connectMs)}ms`);
    if (agents.length === 0 && !signal.aborted) throw new Error('no simulated agent could connect');
    // Created once the fleet is in, so their per-agent overrides and exclusions can name real agents.
    const fleet = { tenant, site: SIM_SITE, tag: SIM_TAG, agentIds: agents.map((a) => a.agentId) };
    for (const body of backgroundRules(options.backgroundRules, fleet, runId)) {
      if (signal.aborted) break;
      const created = await api.createRule(body);
      backgroundRuleIds.push(created.id);
      feed.watchBackgroundRule(created.id);
    }
    if (backgroundRuleIds.length) log(`${backgroundRuleIds.length} background rules on the fleet's metrics, none ever opening an alert`);

    if (options.job && !signal.aborted) {
      bulkJob = await BulkJob.prepare(api, jobRunner, stats, log, {
        tenant, runId, concurrency: options.jobConcurrency, ratePerSec: options.jobRatePerSec,
        runtimeMs: options.jobRuntimeMs, timeoutMs: options.jobTimeoutMs, requestTimeoutMs: options.requestTimeoutMs,
      });
    }

    if (!signal.aborted) {
      scheduler = new FrameScheduler(agents, options.intervalMs, stats);
      scheduler.start();
      log(`sending frames every ${options.intervalMs}ms per agent; warming up for ${options.warmupMs}ms`);
      await sleep(options.warmupMs, signal);
    }

    if (!signal.aborted) {
      startReading = await sampler.read();
      sampler.resetPeaks();
      const cpuAtStart = process.cpuUsage();
      stats.windowStart = performance.now();
      breaches = new BreachDriver(agents, feed, options.breachEveryMs);
      breaches.start();
      log(`measuring for ${options.durationMs}ms${bulkJob ? ', and until the job finishes' : ''}`);
      // The fleet keeps streaming frames while the job runs, as a real one would.
      jobStarted = bulkJob !== null;
      await Promise.all([sleep(options.durationMs, signal), bulkJob?.run(signal)]);
      scheduler?.stop();
      breaches.stop();
      stats.windowEnd = performance.now();
      windowMs = stats.windowEnd - stats.windowStart;
      const cpu = process.cpuUsage(cpuAtStart);
      simulatorCpuPct = ((cpu.user + cpu.system) / 1000 / windowMs) * 100;
      simulatorRssBytes = process.memoryUsage().rss;
      // A saturated collector can be slow to answer; its last periodic reading is then the best there is.
      endReading = (await sampler.read()) ?? sampler.last;

      const watched = feed;
      log(`draining outstanding acks and alerts (up to ${options.drainTimeoutMs}ms)`);
      await waitUntil(() => unacked(agents) === 0 && watched.pendingBreaches === 0, options.drainTimeoutMs, signal, 100);
    }
    if (bulkJob && jobStarted) jobSummary = await bulkJob.summarize();
  } finally {
    scheduler?.stop();
    breaches?.stop();
    bulkJob?.stop();
    jobRunner.stop();
    sampler.stop();
    stats.shuttingDown = true;
    if (simulatorRssBytes === 0) simulatorRssBytes = process.memoryUsage().rss;
    unackedAtEnd = unacked(agents);
    stopKeepAlive();
    for (const id of [...(ruleId ? [ruleId] : []), ...backgroundRuleIds]) {
      try {
        await api.deleteRule(id);
      } catch (err) {
        stats.error('cleanup', `deleting rule ${id}: ${(err as Error).message}`);
      }
    }
    await Promise.all([feed?.close(CLOSE_TIMEOUT_MS), closeFleet(agents, CLOSE_TIMEOUT_MS)]);
    log(`closed ${agents.length} agent connections`);
  }

  const windowSec = windowMs / 1000;
  const acks = summarize(stats.ackLatencies);
  const alerts = summarize(feed?.latencies ?? []);
  const lag = summarize(stats.sendLag);
  const collectorCpuPct = startReading?.cpuSeconds != null && endReading?.cpuSeconds != null && windowSec > 0
    ? roundTo(((endReading.cpuSeconds - startReading.cpuSeconds) / windowSec) * 100, 1)
    : null;
  const rss = endReading?.rssBytes ?? null;
  return {
    agents: options.agents,
    intervalMs: options.intervalMs,
    durationMs: Math.round(windowMs),
    connectMs: Math.round(connectMs),
    connectRetries: stats.connectRetries,
    enrollRateLimited: stats.enrollRateLimited,
    framesSent: stats.framesSent,
    framesAcked: stats.framesAcked,
    ackedPerSec: windowSec > 0 ? roundTo(stats.acksDuringWindow / windowSec, 1) : 0,
    ackLatencyMs: { p50: acks.p50, p90: acks.p90, p99: acks.p99, max: acks.max },
    breachToAlertMs: { count: alerts.count, p50: alerts.p50, p99: alerts.p99, max: alerts.max, missed: feed?.pendingBreaches ?? 0 },
    unackedAtEnd,
    closesByCode: stats.closesByCode,
    errors: stats.errors,
    collectorRssMb: rss === null ? null : roundTo(rss / MB, 1),
    collectorPeakRssMb: sampler.peakRssBytes > 0 ? roundTo(sampler.peakRssBytes / MB, 1) : null,
    simulatorRssMb: roundTo(simulatorRssBytes / MB, 1),
    connected: agents.length,
    samplesPerFrame: options.samplesPerFrame,
    rules: 1 + backgroundRuleIds.length,
    backgroundAlertsOpened: feed?.backgroundAlerts ?? 0,
    collectorCpuPct,
    simulatorCpuPct: roundTo(simulatorCpuPct, 1),
    ackLatencyP50ByQuarterMs: stats.ackLatencyTrend(4),
    collectorEventLoopLagMaxMs: sampler.peakEventLoopLagSeconds > 0 ? roundTo(sampler.peakEventLoopLagSeconds * 1000, 1) : null,
    collectorSlowestScrapeMs: sampler.slowestScrapeMs > 0 ? roundTo(sampler.slowestScrapeMs, 1) : null,
    simulatorSendLagMs: { p50: lag.p50, p99: lag.p99, max: lag.max },
    collectorLog: ctx.collectorLog ? { warn: ctx.collectorLog.warn, error: ctx.collectorLog.error } : null,
    errorsByKind: stats.errorsByKind(),
    ignoredMessagesByType: stats.ignoredMessages,
    interrupted: signal.aborted,
    ...(options.job ? { job: jobSummary } : {}),
  };
}

function unacked(agents: readonly SimAgent[]): number {
  let n = 0;
  for (const agent of agents) n += agent.unackedInWindow();
  return n;
}
