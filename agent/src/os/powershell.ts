import { runCommand, type CommandResult } from './run-command.js';

/**
 * How Windows sources run PowerShell: a script in, its output (usually JSON from ConvertTo-Json)
 * out, bounded by a timeout. Sources depend on this signature only, so the process behind it can
 * be one long-lived host reused across calls instead of one powershell.exe per call.
 */
export type PowerShellRunner = (script: string, options: { timeoutMs: number }) => Promise<CommandResult>;

/** One process per call; the simple, always-correct runner. */
export const spawnPowerShell: PowerShellRunner = (script, { timeoutMs }) =>
  runCommand('powershell.exe', ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', '-'], { timeoutMs, input: script });
