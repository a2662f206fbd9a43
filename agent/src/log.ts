import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs go to stderr (fd 2) so stdout stays clean for machine-readable output such as
 * `collect --once`. Writes are synchronous so nothing is lost when the process exits right after.
 */
export function createLogger(fields: Record<string, unknown> = {}, level = process.env.VIGIL_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid, ...fields },
      // Defence in depth: the key is never passed to a log call, but a stray object must not leak it.
      redact: { paths: ['privateKeyPem', '*.privateKeyPem', 'privateKey', '*.privateKey'], censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that discards everything, for library use and tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
