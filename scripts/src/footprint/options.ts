import { Command } from 'commander';
import { durationOption } from '../duration-option.js';

export interface FootprintOptions {
  intervalMs: number;
  durationMs: number;
  warmupMs: number;
  /** Node flags the agent runs with; by default the ones its service definitions use. */
  nodeFlags: string[];
  jsonOnly: boolean;
}


export function parseFootprintOptions(argv: readonly string[], defaultNodeFlags: readonly string[]): FootprintOptions {
  const program = new Command()
    .name('footprint')
    .description(
      'Runs a real enrolled agent against a real collector at a short interval, samples its RSS and CPU time ' +
        'from /proc every cycle, and prints a JSON summary against the targets in the README (Linux only).',
    )
    .addOption(durationOption('--interval <duration>', "the agent's frame interval (its --interval)", '2s', 100))
    .addOption(durationOption('--duration <duration>', 'measurement period after the warm-up', '60s', 1000))
    .addOption(durationOption('--warmup <duration>', 'time before measuring starts (module loading, first connection, first collections and scans)', '20s', 0))
    .option('--node-flags <flags>', `space-separated node flags for the agent (default: the service's, "${defaultNodeFlags.join(' ')}"; "" for none)`)
    .option('--json-only', 'no progress on stderr, only the JSON summary on stdout', false)
    .showHelpAfterError();
  program.parse(argv as string[], { from: 'node' });
  const raw = program.opts<{ interval: number; duration: number; warmup: number; nodeFlags?: string; jsonOnly: boolean }>();
  if (raw.duration < 2 * raw.interval) program.error('error: --duration must cover at least two intervals to measure a cycle');
  return {
    intervalMs: raw.interval,
    durationMs: raw.duration,
    warmupMs: raw.warmup,
    nodeFlags: raw.nodeFlags === undefined ? [...defaultNodeFlags] : raw.nodeFlags.split(/\s+/).filter(Boolean),
    jsonOnly: raw.jsonOnly,
  };
}
