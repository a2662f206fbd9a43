import { runCommand } from '../os/run-command.js';

/**
 * Whether this process may register a system service: root on Linux and macOS, an elevated
 * Administrator on Windows. `net session` succeeds only when elevated, which is the long-standing
 * check scripts use (there is no Node API for it).
 */
export async function isPrivileged(platform: NodeJS.Platform = process.platform): Promise<boolean> {
  if (platform === 'win32') {
    const result = await runCommand('net', ['session'], { timeoutMs: 15_000 });
    return result.kind === 'exited' && result.exitCode === 0;
  }
  return process.getuid?.() === 0;
}

export function privilegeHint(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'run it from an elevated prompt (Run as administrator)' : 'run it as root (e.g. with sudo)';
}
