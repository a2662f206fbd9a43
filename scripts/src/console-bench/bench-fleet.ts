import { deadlineSignal, type PatchesSection } from '@vigil/shared';
import type { ApiClient } from '../load/api-client.js';
import { connectFleet, keepAlive } from '../load/fleet.js';
import { FrameScheduler } from '../load/frame-scheduler.js';
import { sleep } from '../load/pool.js';
import type { RunStats } from '../load/run-stats.js';
import { BREACH_METRIC } from '../load/sample-profile.js';
import type { SimAgent } from '../load/sim-agent.js';
import type { ConsoleBenchOptions } from './options.js';

export type BenchFleetOptions = Pick<ConsoleBenchOptions,
  'agents' | 'alerts' | 'tenants' | 'intervalMs' | 'connectConcurrency' | 'connectTimeoutMs' | 'requestTimeoutMs' | 'alertsTimeoutMs'>;

export interface BenchFleet {
  agents: SimAgent[];
  connectMs: number;
  openAlerts: number;
  stop(): void;
}

const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

/** A fixed-seed Fisher–Yates shuffle: the same order every run. */
export function shuffled<T>(items: readonly T[], seed = 1): T[] {
  const out = [...items];
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function benchTenant(index: number): string {
  return `bench-${String(index).padStart(2, '0')}`;
}

/** A plausible patch scan for simulated agent `index`: a few hosts behind on security updates. */
export function patchScanFor(index: number, now: number): PatchesSection {
  const pending = (index * 7) % 41;
  const securityPending = index % 5 === 0 ? (index * 3) % 9 : 0;
  return {
    source: index % 10 < 7 ? 'apt' : index % 10 < 9 ? 'windows' : 'softwareupdate',
    pending, securityPending, rebootRequired: index % 13 === 0, items: [], truncated: pending, scannedAt: now,
  };
}

/**
 * A fleet for measuring the console: `agents` simulated endpoints over `tenants` tenants, each
 * speaking the real protocol and streaming frames, of which `alerts` carry a tag that one of four
 * rules (P1–P4, always true) fires on, so exactly that many alerts stay open and keep updating;
 * every tenth is acknowledged.
 */
export async function startBenchFleet(api: ApiClient, options: BenchFleetOptions, stats: RunStats, log: (line: string) => void,
  signal: AbortSignal): Promise<BenchFleet> {
  const agents: SimAgent[] = [];
  const stopKeepAlive = keepAlive(agents);
  let scheduler: FrameScheduler | null = null;
  const stop = () => {
    scheduler?.stop();
    stopKeepAlive();
  };
  try {
    for (const priority of PRIORITIES) {
      await api.createRule({
        name: `Console bench ${priority}`, metric: BREACH_METRIC, op: '>=', threshold: 0, forSamples: 1, priority,
        scope: { tags: [`bench-noisy-${priority.toLowerCase()}`] },
      });
    }
    const started = performance.now();
    const deadline = deadlineSignal(options.connectTimeoutMs, signal);
    const progress = setInterval(() => log(`connected ${agents.length}/${options.agents}`), 5000);
    try {
      for (let t = 0; t < options.tenants; t++) {
        const tenant = benchTenant(t);
        const inTenant = Math.floor(options.agents / options.tenants) + (t < options.agents % options.tenants ? 1 : 0);
        const noisy = Math.floor(options.alerts / options.tenants) + (t < options.alerts % options.tenants ? 1 : 0);
        const groups: Array<{ tags: string[]; count: number; prefix: string }> = PRIORITIES.map((p, i) => ({
          tags: [`bench-noisy-${p.toLowerCase()}`], prefix: `${tenant}-${p.toLowerCase()}`,
          count: Math.floor(noisy / 4) + (i < noisy % 4 ? 1 : 0),
        }));
        groups.push({ tags: ['bench'], prefix: `${tenant}-host`, count: inTenant - noisy });
        for (const group of groups) {
          if (group.count <= 0) continue;
          const site = `site-${(t + groups.indexOf(group)) % 3}`;
          const token = await api.createEnrollmentToken({ tenant, site, tags: group.tags, maxUses: group.count, expiresInMs: 3_600_000 });
          await connectFleet(api, {
            agents: group.count, samplesPerFrame: 20, concurrency: options.connectConcurrency, timeoutMs: options.requestTimeoutMs,
            enrollmentToken: token, hostPrefix: group.prefix,
          }, stats, deadline.signal, agents);
        }
      }
    } finally {
      clearInterval(progress);
      deadline.dispose();
    }
    const connectMs = performance.now() - started;
    log(`connected ${agents.length}/${options.agents} in ${Math.round(connectMs)}ms`);
    const now = Date.now();
    agents.forEach((agent, index) => {
      agent.sectionsNext = { patches: patchScanFor(index, now) };
    });
    // Frames go out in a shuffled order, so alerts open across tenants and priorities interleaved,
    // as a real feed's would, instead of one tenant's block after another.
    scheduler = new FrameScheduler(shuffled(agents), options.intervalMs, stats);
    scheduler.start();

    let alertIds: string[] = [];
    const waitUntil = Date.now() + options.alertsTimeoutMs;
    while (!signal.aborted && Date.now() < waitUntil) {
      alertIds = await api.activeAlertIds();
      if (alertIds.length >= options.alerts) break;
      log(`${alertIds.length}/${options.alerts} alerts open`);
      await sleep(2000, signal);
    }
    // A working NOC has some alerts in hand: every tenth is acknowledged, as an engineer would.
    for (const id of alertIds.filter((_, i) => i % 10 === 0)) await api.acknowledgeAlert(id, 'investigating');
    return { agents, connectMs, openAlerts: alertIds.length, stop };
  } catch (err) {
    stop();
    throw err;
  }
}
