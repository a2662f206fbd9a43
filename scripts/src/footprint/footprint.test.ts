import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS } from './service-flags.js';
import type { FootprintSummary } from './summary.js';

// Runs the built benchmark (tsc -b has run); nothing is compiled here.
const FOOTPRINT = fileURLToPath(new URL('../../dist/footprint.js', import.meta.url));

function runFootprint(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FOOTPRINT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // A bound so a stuck run fails instead of hanging; not a performance limit.
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`footprint did not finish\n${stderr}`));
    }, 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe.runIf(process.platform === 'linux')('footprint benchmark', () => {
  it('runs a real agent briefly and prints a consistent summary, then removes what it made', async () => {
    expect(existsSync(FOOTPRINT), `${FOOTPRINT} missing: run tsc -b first`).toBe(true);
    const { code, stdout, stderr } = await runFootprint(['--interval', '1s', '--warmup', '2s', '--duration', '4s']);
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout) as FootprintSummary;

    expect(summary.nodeFlags).toEqual([...SERVICE_NODE_FLAGS]);
    expect(summary.intervalMs).toBe(1000);
    expect(summary.connected, stderr).toBe(true);
    expect(summary.interrupted).toBe(false);
    expect(summary.samples).toBeGreaterThan(0);
    expect(summary.cycles, stderr).toBeGreaterThan(0);
    const { median, max, min } = summary.steadyRssMb;
    expect(median).toBeGreaterThan(0);
    expect(min! <= median! && median! <= max!).toBe(true);
    expect(summary.steadyRssAnonMb! + summary.steadyRssFileMb!).toBeCloseTo(median!, 0);
    expect(summary.peakRssMb).toBeGreaterThanOrEqual(max!);
    expect(summary.cpu.totalMs).toBeGreaterThanOrEqual(0);
    expect(summary.cpu.msPerCycle).not.toBeNull();
    expect(summary.targets).toEqual({ steadyRssMb: 60, cpuMsPerCycle: 30 });
    expect(typeof summary.withinTargets.steadyRss).toBe('boolean');

    // The collector's data directory and the agent's state directory are gone with them.
    for (const pattern of [/\(data (\S+)\)/, /\(state (\S+?);/]) {
      const dir = pattern.exec(stderr)?.[1];
      expect(dir, stderr).toBeDefined();
      expect(existsSync(dir!), dir).toBe(false);
    }
  });
});
