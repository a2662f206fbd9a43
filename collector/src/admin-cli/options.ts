import { parseDuration } from '@vigil/shared';
import { InvalidArgumentError, Option } from 'commander';

/** For options given once per value (`--tag a --tag b`): a variadic option would swallow the operands after it. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--tenants a,b` → ['a', 'b']. */
export function commaList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

/** A duration as the API takes it ("2h", "90d"), checked here so a typo fails before anything is sent. */
export function durationText(value: string): string {
  durationMs(value);
  return value.trim();
}

export function durationMs(value: string): number {
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  if (ms <= 0) throw new InvalidArgumentError('must be longer than zero');
  return ms;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

/** `--json` on commands that list or show something: `what` names the JSON printed. */
export function jsonOption(what: string): Option {
  return new Option('--json', `print ${what} as JSON on stdout, and nothing else`);
}

/** `--timeout` of the commands that wait for a job. */
export function waitTimeoutOption(): Option {
  return new Option('--timeout <duration>', 'with --wait: how long to wait').argParser(durationMs).default(durationMs('10m'), '10m');
}
