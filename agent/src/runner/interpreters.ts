import type { Shell } from '@vigil/shared';
import { findExecutable } from './which.js';

export type Interpreter =
  | { ok: true; command: string; args: string[]; extension: string }
  | { ok: false; status: 'rejected' | 'error'; reason: string };

const CANDIDATES: Partial<Record<Shell, { names: string[]; extension: string }>> = {
  bash: { names: ['bash'], extension: '.sh' },
  sh: { names: ['sh'], extension: '.sh' },
  python: { names: ['python3', 'python'], extension: '.py' },
};

/**
 * Which program runs a script body for this shell here. PowerShell and cmd are refused outright
 * rather than attempted, with a reason the operator sees on the job.
 */
export function resolveInterpreter(shell: Shell, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Interpreter {
  const candidate = CANDIDATES[shell];
  if (!candidate) {
    const reason =
      platform === 'win32'
        ? `${shell} scripts are not supported by this agent version yet; use python`
        : `${shell} scripts are not supported on ${platform}; use bash, sh or python`;
    return { ok: false, status: 'rejected', reason };
  }
  for (const name of candidate.names) {
    const command = findExecutable(name, env, platform);
    if (command) return { ok: true, command, args: [], extension: candidate.extension };
  }
  return { ok: false, status: 'error', reason: `interpreter not found: ${candidate.names.join(' or ')} is not on PATH` };
}
