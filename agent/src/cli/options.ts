import { InvalidArgumentError } from 'commander';
import { parseDuration } from '@vigil/shared';

/** Commander argument parser for durations such as 500ms, 60s or 5m, with a sane lower bound. */
export function durationOption(minMs: number) {
  return (value: string): number => {
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
    if (ms < minMs) throw new InvalidArgumentError(`must be at least ${minMs} ms`);
    return ms;
  };
}

/** Errors a command reports to the user; the message is printed without a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Exit status when the collector refuses the agent (unauthorized, revoked, unsupported protocol): restarting cannot help. */
export const EXIT_REFUSED = 3;
