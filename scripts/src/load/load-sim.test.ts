import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// Runs the built simulator (tsc -b has run); nothing is compiled here.
const LOAD_SIM = fileURLToPath(new URL('../../dist/load-sim.js', import.meta.url));

interface Summary {
  agents: number;
  connected: number;
  framesSent: number;
  framesAcked: number;
  unackedAtEnd: number;
  rules: number;
  backgroundAlertsOpened: number;
  breachToAlertMs: { count: number };
  collectorRssMb: number | null;
  errors: number;
  closesByCode: Record<string, number>;
  interrupted: boolean;
}

interface StormSummary {
  mode: string;
  connected: number;
  readmitted: number;
  notReadmitted: number;
  stormDownMs: number;
  restartMs: number;
  readmitMs: { p50: number | null; max: number | null };
  allReadmittedMs: number | null;
  framesProduced: number;
  backlogFrames: { total: number; p50: number | null; max: number | null };
  drainedMs: { p50: number | null; max: number | null };
  allDrainedMs: number | null;
  allDrainedAfterListeningMs: number | null;
  notDrained: number;
  framesLost: number;
  framesDuplicated: number;
  attemptsPerAgent: { p50: number | null };
  apiLatencyMs: Record<'agents' | 'healthz', { count: number; failures: number }>;
  collectorPeakRssMb: number | null;
  errors: number;
  interrupted: boolean;
}

interface JobSummary {
  jobId: string | null;
  status: string | null;
  runs: number;
  dispatchesReceived: number;
  dispatchedToAllMs: number | null;
  lastDispatchMs: number | null;
  resultsSent: number;
  resultsStored: number;
  finishedMs: number | null;
  finishedObservedMs: number | null;
  runStates: Record<string, number>;
  notSucceeded: number;
  collectorPeakRssMb: number | null;
  timedOut: boolean;
}

let running: ChildProcess | null = null;

afterEach(async () => {
  // The simulator stops its own collector on SIGINT; this only matters if the test failed midway.
  const child = running;
  running = null;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
});

function runSimulator(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOAD_SIM, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    running = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`load simulator did not finish within ${timeoutMs}ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('load simulator', () => {
  it('drives a spawned collector with 20 agents and one of each background rule, and reports a consistent summary', async () => {
    expect(existsSync(LOAD_SIM), `${LOAD_SIM} missing: run tsc -b first`).toBe(true);
    const { code, stdout, stderr } = await runSimulator(
      ['--spawn', '--agents', '20', '--interval', '200ms', '--duration', '3s', '--warmup', '1s', '--breach-every', '1s', '--rules', '13'],
      45_000,
    );
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout) as Summary;

    expect(summary.agents).toBe(20);
    expect(summary.connected, stderr).toBe(20);
    expect(summary.framesAcked).toBeGreaterThan(0);
    expect(summary.framesAcked).toBe(summary.framesSent - summary.unackedAtEnd);
    expect(summary.breachToAlertMs.count, stderr).toBeGreaterThanOrEqual(1);
    // The collector took every background rule, and none of them opened an alert.
    expect(summary.rules).toBe(14);
    expect(summary.backgroundAlertsOpened).toBe(0);
    expect(summary.collectorRssMb).toBeGreaterThan(0);
    expect(summary.errors, stderr).toBe(0);
    expect(summary.closesByCode).toEqual({});
    expect(summary.interrupted).toBe(false);

    // The spawned collector's throwaway data directory is gone with it.
    const dataDir = /\(data (\S+)\)/.exec(stderr)?.[1];
    expect(dataDir, stderr).toBeDefined();
    expect(existsSync(dataDir!)).toBe(false);
  });

  it('job mode: one job reaches every simulated agent, each answers, and the job finishes', async () => {
    const { code, stdout, stderr } = await runSimulator(
      ['--spawn', '--agents', '20', '--interval', '1s', '--duration', '1s', '--warmup', '1s', '--job', '--job-runtime', '50ms', '--job-timeout', '40s'],
      90_000,
    );
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout) as Summary & { job: JobSummary | null };
    expect(summary.connected, stderr).toBe(20);
    const job = summary.job!;
    expect(job, stderr).not.toBeNull();
    expect(job.status, stderr).toBe('finished');
    expect(job.runs).toBe(20);
    expect(job.dispatchesReceived).toBe(20);
    expect(job.dispatchedToAllMs).toBe(job.lastDispatchMs);
    expect(job.resultsSent).toBe(20);
    expect(job.resultsStored).toBe(20);
    expect(job.runStates).toEqual({ succeeded: 20 });
    expect(job.notSucceeded).toBe(0);
    // Finishing needs every result, and each came at least the runtime after its dispatch.
    expect(job.finishedMs!).toBeGreaterThanOrEqual(job.dispatchedToAllMs! + 50 - 2);
    expect(job.finishedObservedMs).not.toBeNull();
    expect(job.collectorPeakRssMb).toBeGreaterThan(0);
    expect(job.timedOut).toBe(false);
    expect(summary.errors, stderr).toBe(0);
  });

  it('storm mode: kills and restarts the spawned collector, every agent is readmitted with its backoff and its spool drains', async () => {
    const { code, stdout, stderr } = await runSimulator(
      ['--spawn', '--storm', '--agents', '12', '--interval', '500ms', '--warmup', '1s', '--storm-down', '2s', '--storm-timeout', '60s'],
      120_000,
    );
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout) as StormSummary;
    expect(summary.mode).toBe('storm');
    expect(summary.connected, stderr).toBe(12);
    expect(summary.readmitted, stderr).toBe(12);
    expect(summary.notReadmitted).toBe(0);
    // The collector was really gone: every agent lost its session and needed at least one attempt.
    expect(summary.stormDownMs).toBe(2000);
    expect(summary.restartMs).toBeGreaterThanOrEqual(2000);
    expect(summary.attemptsPerAgent.p50).toBeGreaterThanOrEqual(1);
    expect(summary.readmitMs.max).toBeGreaterThanOrEqual(summary.restartMs);
    // The same instant: one rounded to the millisecond, the other to a tenth of one.
    expect(Math.abs(summary.allReadmittedMs! - summary.readmitMs.max!)).toBeLessThanOrEqual(1);
    // Two seconds down at two frames a second: every agent spooled frames, and the collector got them all.
    expect(summary.backlogFrames.p50!, stderr).toBeGreaterThanOrEqual(3);
    expect(summary.backlogFrames.total).toBeGreaterThanOrEqual(12 * 3);
    expect(summary.notDrained, stderr).toBe(0);
    expect(summary.allDrainedMs!).toBeGreaterThanOrEqual(summary.allReadmittedMs!);
    expect(summary.allDrainedAfterListeningMs!).toBeGreaterThanOrEqual(0);
    expect(Math.abs(summary.allDrainedMs! - summary.drainedMs.max!)).toBeLessThanOrEqual(1);
    expect(summary.framesProduced).toBeGreaterThan(summary.backlogFrames.total);
    expect(summary.framesLost).toBe(0);
    expect(summary.framesDuplicated).toBe(0);
    expect(summary.apiLatencyMs.healthz.count).toBeGreaterThan(0);
    expect(summary.apiLatencyMs.healthz.failures).toBe(0);
    expect(summary.apiLatencyMs.agents.failures).toBe(0);
    expect(summary.collectorPeakRssMb).toBeGreaterThan(0);
    expect(summary.errors, stderr).toBe(0);
    expect(summary.interrupted).toBe(false);
  });
});
