import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Scripts run as leaders of their own process group (spawned detached), so signalling the group
 * reaches everything they started: `sleep 300 &` dies with its script.
 */
export function signalTree(pid: number, signal: NodeJS.Signals): void {
  if (process.platform === 'win32') {
    // No process groups on Windows: taskkill walks the tree. /F because there is no gentle form for console programs.
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', timeout: 10_000, windowsHide: true });
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export function treeAlive(pid: number): boolean {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SIGTERM the whole group, give it `graceMs` to exit, then SIGKILL whatever is left. */
export async function terminateTree(pid: number, graceMs: number, pollMs = 50): Promise<void> {
  signalTree(pid, 'SIGTERM');
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    if (!treeAlive(pid)) return;
    await sleep(pollMs);
  }
  signalTree(pid, 'SIGKILL');
}
