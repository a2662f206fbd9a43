import { parseDuration } from '@vigil/shared';
import { InvalidArgumentError, Option } from 'commander';

function duration(label: string, minMs: number): (value: string) => number {
  return (value) => {
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
    if (ms < minMs) throw new InvalidArgumentError(`${label} must be at least ${minMs}ms`);
    return ms;
  };
}

/** A duration flag whose help shows the default as written ("1s"), not in milliseconds. */
export function durationOption(flags: string, description: string, defaultText: string, minMs: number): Option {
  const name = flags.split(' ')[0]!;
  return new Option(flags, description).argParser(duration(name, minMs)).default(parseDuration(defaultText), defaultText);
}
