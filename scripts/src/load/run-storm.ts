import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { deadlineSignal } from '@vigil/shared';
import type { ApiClient } from './api-client.js';
import { ApiProber } from './api-prober.js';
import { summarizeDrain, type DrainRecord, type DrainSummary } from './backlog-drain.js';
import { CollectorMetricsSampler } from './collector-metrics.js';
import type { CollectorProcess } from './collector-process.js';
import { fdLimitWarning } from './fd-limit.js';
import { closeFleet, connectFleet, keepAlive } from './fleet.js';
import { FrameScheduler } from './frame-scheduler.js';
import type { LoadOptions } from './options.js';
import { roundTo, summarize } from './percentiles.js';
import { reconnectLikeAnAgent, type Readmission } from './reconnect.js';
import { sleep, waitUntil } from './pool.js';
import { RunStats } from './run-stats.js';
import type { SimAgent } from './sim-agent.js';

interface Spread { p50: number | null; p99: number | null; max: number | null }
interface ProbeSummary extends Spread { count: number; failures: number; slowestAtMs: number | null }

export interface StormSummary extends DrainSummary {
  mode: 'storm';
  agents: number;
  /** Agents connected before the collector was killed: the ones that storm back. */
  connected: number;
  intervalMs: number;
  maxHandshakes: number | null;
  /** How long the collector was left down (--storm-down) before it was started again. */
  stormDownMs: number;
  /** SIGKILL → the new collector process listening on the same port (the down time included). */
  restartMs: number;
  /** Starting the new collector process → it listening. */
  collectorStartMs: number;
  readmitted: number;
  notReadmitted: number;
  /** Per agent, SIGKILL → its welcome from the new collector. */
  readmitMs: Spread;
  /** SIGKILL → the last agent's welcome (null if not all came back within --storm-timeout). */
  allReadmittedMs: number | null;
  /** The new collector listening → the last agent's welcome. */
  allReadmittedAfterListeningMs: number | null;
  attemptsPerAgent: Spread;
  /** Connection attempts the new collector answered with 1013 (too many handshakes in progress). */
  refusedBusy: number;
  /** The same while the fleet first connected (the simulator retries those with backoff too). */
  refusedBusyWhileConnecting: number;
  /** Other failed handshakes while the fleet first connected (timeouts, lost connections), tried again with backoff. */
  connectRetries: number;
  /** Closes seen by the agents from the kill on (1006: connection lost or refused). */
  closesByCode: Record<string, number>;
  /** Frames the agents produced from connecting to the end of the run. */
  framesProduced: number;
  /** Frames produced but never acknowledged by the end (after waiting up to --drain-timeout): must be 0. */
  framesLost: number;
  /** Acks for a seq the agent had already seen acknowledged: the collector confirmed a frame twice. */
  framesDuplicated: number;
  /** Frames acknowledged after going out on more than one connection (in flight when the collector died, not stored). */
  framesResent: number;
  /** GET /api/v1/agents?limit=100 (a console's first page) and /healthz, each every 100 ms from the restart until every agent was back and drained; slowestAtMs counts from the restart. */
  apiLatencyMs: { agents: ProbeSummary; healthz: ProbeSummary };
  collectorRssMb: number | null;
  collectorPeakRssMb: number | null;
  collectorEventLoopLagMaxMs: number | null;
  simulatorRssMb: number;
  errors: number;
  errorsByKind: Record<string, number>;
  interrupted: boolean;
}

export interface StormContext {
  api: ApiClient;
  collector: CollectorProcess;
  log: (line: string) => void;
  signal: AbortSignal;
}

const MB = 1024 * 1024;
const CLOSE_TIMEOUT_MS = 5000;
const PROBE_EVERY_MS = 100;
const SCRAPE_EVERY_MS = 500;

/**
 * A reconnect storm: connect the fleet, let it stream, SIGKILL the collector, leave it down for
 * --storm-down while every agent keeps spooling frames, start it again on the same data and port,
 * and time how every agent (reconnecting with the real agent's jittered backoff) gets readmitted
 * and how long until the collector has acknowledged every spooled frame, while the API is probed.
 * Readmission and drain are bounded by --storm-timeout, the last acks by --drain-timeout.
 */
export async function runStorm(options: LoadOptions, ctx: StormContext): Promise<StormSummary> {
  const { api, collector, log, signal } = ctx;
  const stats = new RunStats(log);
  const agents: SimAgent[] = [];
  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const fdWarning = fdLimitWarning(options.agents);
  if (fdWarning) log(`warning: ${fdWarning}`);

  let stopKeepAlive = (): void => {};
  let scheduler: FrameScheduler | null = null;
  const probes = { agents: new ApiProber(api, '/api/v1/agents?limit=100', true, PROBE_EVERY_MS), healthz: new ApiProber(api, '/healthz', false, PROBE_EVERY_MS) };
  const sampler = new CollectorMetricsSampler(api, stats);
  let readmissions: Readmission[] = [];
  let killedAt = 0;
  let restartingAt = 0;
  let listeningAt = 0;
  let connected = 0;
  let closesBeforeStorm: Record<string, number> = {};

  try {
    const enrollmentToken = await api.createEnrollmentToken({ tenant: `storm-${runId}`, site: 'sim', tags: ['load-sim'], maxUses: options.agents, expiresInMs: 3_600_000 });
    log(`enrolling and connecting ${options.agents} agents (${options.connectConcurrency} at a time)`);
    stopKeepAlive = keepAlive(agents);
    const connectDeadline = deadlineSignal(options.connectTimeoutMs, signal);
    await connectFleet(api, {
      agents: options.agents, samplesPerFrame: options.samplesPerFrame, concurrency: options.connectConcurrency,
      timeoutMs: options.requestTimeoutMs, enrollmentToken, hostPrefix: `storm-${runId}`, spoolWhileDisconnected: true,
    }, stats, connectDeadline.signal, agents).finally(() => connectDeadline.dispose());
    connected = agents.length;
    if (connected === 0 && !signal.aborted) throw new Error('no simulated agent could connect');
    scheduler = new FrameScheduler(agents, options.intervalMs, stats);
    scheduler.start();
    log(`connected ${connected}; streaming for ${options.warmupMs}ms before the crash`);
    await sleep(options.warmupMs, signal);

    if (!signal.aborted) {
      stats.expectDisconnects = true;
      closesBeforeStorm = { ...stats.closesByCode };
      killedAt = performance.now();
      for (const agent of agents) agent.beginOutage(killedAt);
      await collector.kill();
      log(`collector killed (SIGKILL); agents spool their frames and reconnect with jittered backoff; restarting in ${options.stormDownMs}ms`);
      const storm = new AbortController();
      const stormDeadline = deadlineSignal(options.stormTimeoutMs, AbortSignal.any([signal, storm.signal]));
      const stormSignal = stormDeadline.signal;
      // Every agent's backoff sleep listens on it.
      setMaxListeners(0, stormSignal);
      const url = api.agentSocketUrl();
      const pending = agents.map((agent) => reconnectLikeAnAgent(agent, url, options.requestTimeoutMs, stormSignal));

      await sleep(options.stormDownMs, stormSignal);
      restartingAt = performance.now();
      await collector.restart();
      listeningAt = performance.now();
      log(`collector listening again after ${Math.round(listeningAt - killedAt)}ms`);
      probes.agents.start();
      probes.healthz.start();
      sampler.start(SCRAPE_EVERY_MS);
      const progress = setInterval(() => log(`readmitted ${agents.filter((a) => a.isReady).length}/${connected}, ` +
        `drained ${agents.filter((a) => a.outageRecord?.drained).length}/${connected}`), 2000);
      try {
        readmissions = await Promise.all(pending);
        // The backlog goes out behind the welcome; live frames keep coming meanwhile, as they would.
        await waitUntil(() => agents.every((a) => a.outageRecord?.drained), options.stormTimeoutMs, stormSignal, 20);
      } finally {
        clearInterval(progress);
        storm.abort();
        stormDeadline.dispose();
      }
      await Promise.all([probes.agents.stop(), probes.healthz.stop()]);
      sampler.stop();
      await sampler.read();
      scheduler.stop();
      log(`waiting for the last acks (up to ${options.drainTimeoutMs}ms)`);
      await waitUntil(() => agents.every((a) => a.framesHeld === 0), options.drainTimeoutMs, signal, 50);
    }
  } finally {
    scheduler?.stop();
    sampler.stop();
    await Promise.all([probes.agents.stop(), probes.healthz.stop()]);
    stats.shuttingDown = true;
    stopKeepAlive();
    await closeFleet(agents, CLOSE_TIMEOUT_MS);
    log(`closed ${agents.length} agent connections`);
  }

  const welcomes = readmissions.map((r) => r.welcomedAt).filter((t): t is number => t !== null);
  const lastWelcome = welcomes.length > 0 ? Math.max(...welcomes) : null;
  const allBack = readmissions.length > 0 && welcomes.length === readmissions.length && lastWelcome !== null;
  const spread = (values: number[]): Spread => {
    const s = summarize(values);
    return { p50: s.p50, p99: s.p99, max: s.max };
  };
  const probeSummary = (prober: ApiProber): ProbeSummary => ({
    count: prober.latenciesMs.length, ...spread(prober.latenciesMs), failures: prober.failures, slowestAtMs: prober.slowestAtMs,
  });
  const reading = sampler.last;
  const drain = summarizeDrain(agents.map((a) => a.outageRecord?.record).filter((r): r is DrainRecord => r !== undefined), killedAt, listeningAt);
  const total = (count: (agent: SimAgent) => number): number => agents.reduce((sum, agent) => sum + count(agent), 0);
  const stormCloses = Object.fromEntries(Object.entries(stats.closesByCode)
    .map(([code, n]) => [code, n - (closesBeforeStorm[code] ?? 0)] as const).filter(([, n]) => n > 0));
  return {
    mode: 'storm',
    agents: options.agents,
    connected,
    intervalMs: options.intervalMs,
    maxHandshakes: options.maxHandshakes,
    stormDownMs: options.stormDownMs,
    restartMs: Math.round(listeningAt - killedAt),
    collectorStartMs: Math.round(listeningAt - restartingAt),
    readmitted: welcomes.length,
    notReadmitted: readmissions.length - welcomes.length,
    readmitMs: spread(welcomes.map((t) => t - killedAt)),
    allReadmittedMs: allBack ? Math.round(lastWelcome - killedAt) : null,
    allReadmittedAfterListeningMs: allBack ? Math.round(lastWelcome - listeningAt) : null,
    ...drain,
    framesProduced: total((a) => a.framesProduced),
    framesLost: total((a) => a.framesHeld),
    framesDuplicated: total((a) => a.duplicateAcks),
    framesResent: total((a) => a.framesResent),
    attemptsPerAgent: spread(readmissions.map((r) => r.attempts)),
    refusedBusy: stormCloses['1013'] ?? 0,
    refusedBusyWhileConnecting: closesBeforeStorm['1013'] ?? 0,
    connectRetries: stats.connectRetries,
    closesByCode: stormCloses,
    apiLatencyMs: { agents: probeSummary(probes.agents), healthz: probeSummary(probes.healthz) },
    collectorRssMb: reading?.rssBytes != null ? roundTo(reading.rssBytes / MB, 1) : null,
    collectorPeakRssMb: sampler.peakRssBytes > 0 ? roundTo(sampler.peakRssBytes / MB, 1) : null,
    collectorEventLoopLagMaxMs: sampler.peakEventLoopLagSeconds > 0 ? roundTo(sampler.peakEventLoopLagSeconds * 1000, 1) : null,
    simulatorRssMb: roundTo(process.memoryUsage().rss / MB, 1),
    errors: stats.errors,
    errorsByKind: stats.errorsByKind(),
    interrupted: signal.aborted,
  };
}
