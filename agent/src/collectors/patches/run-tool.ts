import { runCommand } from '../../os/run-command.js';
import type { ToolOutput } from './types.js';

/**
 * Package managers translate their messages; the parsers read the C locale's words (apt's summary
 * line, dnf's "Obsoleting Packages"), so every tool runs in it. LANGUAGE is cleared because gettext
 * would otherwise prefer it over LC_ALL.
 */
export function cLocale(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, LC_ALL: 'C', LANG: 'C', LANGUAGE: '' };
}

/** Package lists of big servers run to megabytes; past this the output is not trusted as complete. */
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

/**
 * Runs a tool and keeps only answers a parser can judge: an exit code with complete output.
 * Everything else (missing tool, timeout, killed, output cut at the cap) is a reason.
 */
export async function runTool(
  name: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs: number; input?: string },
): Promise<{ ok: true; output: ToolOutput } | { ok: false; reason: string }> {
  const result = await runCommand(name, args, {
    env: cLocale(options.env),
    timeoutMs: options.timeoutMs,
    maxOutputBytes: MAX_OUTPUT_BYTES,
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  if (result.kind !== 'exited') return { ok: false, reason: result.reason };
  if (result.signal) return { ok: false, reason: `${name} was killed by ${result.signal}` };
  if (result.stdoutTruncated) return { ok: false, reason: `${name} printed more than ${MAX_OUTPUT_BYTES} bytes; the list would be incomplete` };
  return { ok: true, output: { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr } };
}
