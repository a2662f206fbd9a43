import { createPrivateKey } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { CloseCode, FATAL_CLOSE_CODES, generateAgentKeyPair, type EnrollRequest, type EnrollResponse } from '@vigil/shared';
import { ApiRequestError, type ApiClient } from './api-client.js';
import { isFdExhaustion } from './fd-limit.js';
import { runPool, sleep } from './pool.js';
import type { RunStats } from './run-stats.js';
import { SampleProfile } from './sample-profile.js';
import { fullJitterDelayMs } from './backoff.js';
import { HandshakeClosedError, SIM_AGENT_VERSION, SimAgent } from './sim-agent.js';
import type { SimJobRunner } from './sim-job-runner.js';

export interface FleetOptions {
  agents: number;
  samplesPerFrame: number;
  concurrency: number;
  /** Per enrollment request and per handshake. */
  timeoutMs: number;
  enrollmentToken: string;
  hostPrefix: string;
  /** Answers the job dispatches of every agent; without it dispatches are ignored. */
  jobs?: SimJobRunner;
  /** Agents keep producing (spooling) frames while disconnected, to replay them once readmitted. */
  spoolWhileDisconnected?: boolean;
}

/** Hostnames and OS of the simulated endpoints: mostly Linux servers, some Windows and Macs. */
function osFor(index: number): { platform: 'linux' | 'windows' | 'darwin'; distro: string; release: string; arch: string } {
  if (index % 10 < 7) return { platform: 'linux', distro: 'ubuntu', release: '22.04', arch: 'x64' };
  if (index % 10 < 9) return { platform: 'windows', distro: 'Windows Server 2022', release: '10.0.20348', arch: 'x64' };
  return { platform: 'darwin', distro: 'macOS', release: '14.5', arch: 'arm64' };
}

/**
 * Enrolls and connects the simulated agents, each with its own Ed25519 key, over the real
 * enrollment API and /agent handshake, with bounded concurrency. An agent whose enrollment fails,
 * or that is not connected before the signal aborts, is counted as an error and left out; the
 * rest carry the load. Agents are appended to
 * `connected` as their handshakes complete, so they can be kept alive while the others connect.
 */
export async function connectFleet(api: ApiClient, options: FleetOptions, stats: RunStats, signal: AbortSignal,
  connected: SimAgent[]): Promise<void> {
  const url = api.agentSocketUrl();
  // Every agent waiting out a backoff or a 429's Retry-After listens on it: hundreds at once is the design, not a leak.
  setMaxListeners(0, signal);
  await runPool(options.agents, options.concurrency, async (index) => {
    const keys = generateAgentKeyPair();
    let agentId: string;
    try {
      const enrolled = await enrollPolitely(api, signal, stats, {
        token: options.enrollmentToken, publicKey: keys.publicKey, hostname: `${options.hostPrefix}-${String(index).padStart(5, '0')}`,
        os: osFor(index), agentVersion: SIM_AGENT_VERSION,
      });
      agentId = enrolled.agentId;
    } catch (err) {
      stats.error(isFdExhaustion(err) ? 'fd_limit' : 'enroll_failed', `agent #${index}: ${(err as Error).message}`);
      return;
    }
    const agent = new SimAgent({ agentId, privateKey: createPrivateKey(keys.privateKeyPem) }, new SampleProfile(options.samplesPerFrame), stats,
      options.jobs ?? null, options.spoolWhileDisconnected ?? false);
    try {
      await connectPolitely(agent, url, options.timeoutMs, signal, stats);
    } catch (err) {
      stats.error(isFdExhaustion(err) ? 'fd_limit' : 'connect_failed', `agent ${agentId}: ${(err as Error).message}`);
      return;
    }
    connected.push(agent);
  }, signal);
}

/**
 * Connects, and on failure (1013 busy admitting others, no welcome in time, connection lost)
 * tries again after the real agent's jittered backoff until the signal aborts. Only what
 * reconnecting cannot cure ends it: a refusal the agent takes as final, or no file descriptors left.
 */
async function connectPolitely(agent: SimAgent, url: string, timeoutMs: number, signal: AbortSignal, stats: RunStats): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await agent.connect(url, timeoutMs);
    } catch (err) {
      const fatal = (err instanceof HandshakeClosedError && FATAL_CLOSE_CODES.includes(err.code)) || isFdExhaustion(err);
      if (fatal || signal.aborted) throw err;
      if (!(err instanceof HandshakeClosedError && err.code === CloseCode.tryAgainLater)) stats.connectRetries++;
      await sleep(fullJitterDelayMs(attempt), signal);
      if (signal.aborted) throw err;
    }
  }
}

/** Enrolls, waiting as told when the collector's per-address enrollment limit answers 429. */
async function enrollPolitely(api: ApiClient, signal: AbortSignal, stats: RunStats, request: EnrollRequest): Promise<EnrollResponse> {
  for (;;) {
    try {
      return await api.enroll(request);
    } catch (err) {
      if (!(err instanceof ApiRequestError) || err.status !== 429 || err.retryAfterSec === null || signal.aborted) throw err;
      stats.enrollRateLimited++;
      await sleep(err.retryAfterSec * 1000, signal);
    }
  }
}

/** A real agent heartbeats when it has nothing else to say; long connect phases need it. */
export function keepAlive(agents: readonly SimAgent[], everyMs = 5000): () => void {
  const timer = setInterval(() => {
    const now = performance.now();
    for (const agent of agents) agent.heartbeatIfQuiet(now);
  }, everyMs);
  return () => clearInterval(timer);
}

export async function closeFleet(agents: readonly SimAgent[], timeoutMs: number): Promise<void> {
  await Promise.all(agents.map((agent) => agent.close(timeoutMs)));
}
