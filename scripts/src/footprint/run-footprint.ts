import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../load/api-client.js';
import { CollectorProcess } from '../load/collector-process.js';
import { AgentProcess, enrollAgent } from './agent-process.js';
import type { FootprintOptions } from './options.js';
import { clockTicksPerSecond, readProcess, type ProcessReading } from './proc-stats.js';
import { summarizeFootprint, type FootprintSummary } from './summary.js';

export interface FootprintContext {
  log: (line: string) => void;
  signal: AbortSignal;
}

/** Waits `ms`, or less if the run is interrupted. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Starts a collector and one enrolled agent, lets the agent warm up, then reads its memory and
 * CPU once per cycle for the measured period. Everything it started is stopped and its
 * temporary directories removed, whatever happens.
 */
export async function runFootprint(options: FootprintOptions, context: FootprintContext): Promise<FootprintSummary> {
  const { log, signal } = context;
  if (process.platform !== 'linux') throw new Error('the footprint benchmark reads /proc and runs on Linux only');
  const ticksPerSecond = clockTicksPerSecond();
  const stateRoot = mkdtempSync(join(tmpdir(), 'vigil-footprint-'));
  let collector: CollectorProcess | null = null;
  let agent: AgentProcess | null = null;
  try {
    const started = await CollectorProcess.start(log);
    collector = started.collector;
    log(`collector pid ${collector.pid} at ${started.url} (data ${collector.dataDir})`);
    const api = new ApiClient(started.url, started.token, 15_000);
    const token = await api.createEnrollmentToken({ tenant: 'footprint' });
    const stateDir = join(stateRoot, 'state');
    const agentId = await enrollAgent(started.url, token, stateDir);

    agent = AgentProcess.start({ stateDir, intervalMs: options.intervalMs, nodeFlags: options.nodeFlags, log });
    log(`agent ${agentId} pid ${agent.pid} (state ${stateDir}; node ${options.nodeFlags.join(' ') || 'without flags'}), interval ${options.intervalMs}ms; warming up for ${options.warmupMs}ms`);
    await pause(options.warmupMs, signal);

    const readings: ProcessReading[] = [];
    const begin = performance.now();
    const first = readProcess(agent.pid);
    const startSeq = agent.progress()?.lastSeq ?? 0;
    let last = first;
    log(`measuring for ${options.durationMs}ms`);
    while (!signal.aborted && performance.now() - begin < options.durationMs) {
      await pause(Math.min(options.intervalMs, options.durationMs - (performance.now() - begin)), signal);
      if (!agent.running) throw new Error(`the agent exited during the measurement (${agent.exitDescription})`);
      last = readProcess(agent.pid);
      readings.push(last);
    }
    const elapsedMs = performance.now() - begin;
    const endProgress = agent.progress();
    return summarizeFootprint(
      { readings, startTicks: first.cpuTicks, endTicks: last.cpuTicks, startSeq, endSeq: endProgress?.lastSeq ?? startSeq, ticksPerSecond, elapsedMs },
      {
        node: process.version,
        nodeFlags: options.nodeFlags,
        intervalMs: options.intervalMs,
        warmupMs: options.warmupMs,
        agentWarnings: agent.warnings,
        connected: endProgress?.state === 'connected',
        interrupted: signal.aborted,
      },
    );
  } finally {
    await agent?.stop();
    await collector?.stop();
    rmSync(stateRoot, { recursive: true, force: true });
  }
}
