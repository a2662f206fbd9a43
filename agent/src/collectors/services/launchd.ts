import type { ServiceStatus } from '@vigil/shared';
import { describeCommandFailure, runCommand } from '../../os/run-command.js';

/**
 * Parses `launchctl list`: a "PID Status Label" header, then one job per line. PID is "-" when the
 * job is not running; Status is its last exit status (negative: killed by that signal). Run as
 * root — as the agent's daemon is — it lists the system domain.
 */
export function parseLaunchctlList(stdout: string, labels: readonly string[]): ServiceStatus[] {
  const lines = stdout.split(/\r?\n/).filter((l) => l.trim());
  if (!/^PID\s+Status\s+Label\s*$/.test(lines[0]?.trim() ?? '')) {
    return labels.map((name) => ({ name, state: 'unknown', reason: 'launchctl list output was not the expected table' }));
  }
  const jobs = new Map<string, { pid: string; status: string }>();
  for (const line of lines.slice(1)) {
    const match = /^\s*(-|\d+)\s+(-|-?\d+)\s+(\S.*?)\s*$/.exec(line);
    if (match?.[1] && match[2] && match[3]) jobs.set(match[3], { pid: match[1], status: match[2] });
  }
  return labels.map((name): ServiceStatus => {
    const job = jobs.get(name);
    if (!job) return { name, state: 'unknown', reason: 'no launchd job with this label is loaded' };
    if (job.pid !== '-') return { name, state: 'up', detail: `pid ${job.pid}` };
    return { name, state: 'down', detail: `not running, last exit status ${job.status}` };
  });
}

export async function queryLaunchd(labels: readonly string[], options: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<ServiceStatus[]> {
  const result = await runCommand('launchctl', ['list'], { timeoutMs: options.timeoutMs, ...(options.env ? { env: options.env } : {}) });
  if (result.kind !== 'exited' || result.exitCode !== 0 || result.stdoutTruncated) {
    const reason = describeCommandFailure(result);
    return labels.map((name) => ({ name, state: 'unknown', reason }));
  }
  return parseLaunchctlList(result.stdout, labels);
}
