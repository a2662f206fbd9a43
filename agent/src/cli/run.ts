import { Agent } from '../agent.js';
import { createCollectors } from '../collectors/registry.js';
import type { PatchesOptions } from '../collectors/patches/collector.js';
import { InvalidArgumentError } from 'commander';
import { FatalCloseError } from '../connection/errors.js';
import { DEV_MODE_WARNING, DevModeRefusedError, assertDevModeAllowed } from '../runner/dev-mode.js';
import { MIN_SPOOL_MAX_BYTES, formatByteSize, parseByteSize } from '../connection/spool/byte-size.js';
import { createLogger } from '../log.js';
import { readEnrollment } from '../state/enrollment-store.js';
import { CliError, EXIT_REFUSED } from './options.js';

export interface RunCommandOptions {
  stateDir: string;
  intervalMs: number;
  logLevel?: string;
  /** Watch list for the services collector (`--services`). */
  services?: readonly string[];
  /** Patch scan settings (`--patch-interval`, `--patch-refresh`). */
  patches?: PatchesOptions;
  /** Cap on the on-disk spool of unacknowledged frames (`--spool-max`). */
  spoolMaxBytes?: number;
  /** Custom metrics from *.prom files (`--textfile-dir`; default <state>/textfile). */
  textfileDir?: string;
  /** Development mode (`--allow-unsigned`): unsigned scripts run too; loopback collectors only. */
  allowUnsigned?: boolean;
}

/** Commander argument parser for `--spool-max`. */
export function spoolMaxArgument(value: string): number {
  let bytes: number;
  try {
    bytes = parseByteSize(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  if (bytes < MIN_SPOOL_MAX_BYTES) throw new InvalidArgumentError(`must be at least ${formatByteSize(MIN_SPOOL_MAX_BYTES).replace(' ', '')}`);
  return bytes;
}

/** Bound on a graceful stop; past it the process exits anyway so service managers are not kept waiting. */
const STOP_DEADLINE_MS = 3_000;

/** `vigil-agent run`: streams until SIGINT/SIGTERM (exit 0) or until the collector refuses the agent (exit 3). */
export async function runCommand(options: RunCommandOptions): Promise<never> {
  const { agentId, server } = readEnrollment(options.stateDir);
  if (options.allowUnsigned) {
    try {
      assertDevModeAllowed(server);
    } catch (error) {
      if (error instanceof DevModeRefusedError) throw new CliError(error.message);
      throw error;
    }
  }
  const logger = createLogger({ agentId }, options.logLevel);
  const collectors = createCollectors(undefined, {
    stateDir: options.stateDir,
    services: options.services ?? [],
    ...(options.patches ? { patches: options.patches } : {}),
    ...(options.textfileDir !== undefined ? { textfileDir: options.textfileDir } : {}),
  });
  const agent = new Agent({
    stateDir: options.stateDir, intervalMs: options.intervalMs, logger, collectors,
    ...(options.spoolMaxBytes ? { spoolMaxBytes: options.spoolMaxBytes } : {}),
    allowUnsigned: options.allowUnsigned ?? false,
  });
  if (options.allowUnsigned) process.stderr.write(`vigil-agent: WARNING: ${DEV_MODE_WARNING}\n`);

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping');
    setTimeout(() => {
      logger.warn('graceful stop took too long; exiting');
      process.exit(0);
    }, STOP_DEADLINE_MS).unref();
    void agent.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  try {
    await agent.run();
    process.exit(0);
  } catch (error) {
    if (error instanceof FatalCloseError) {
      logger.fatal({ code: error.code, reason: error.reason }, error.message);
      process.exit(EXIT_REFUSED);
    }
    logger.fatal({ err: error }, 'agent failed');
    process.exit(1);
  }
}
