/**
 * Footprint benchmark: runs the real agent, enrolled with a real collector, at a short interval
 * and prints one JSON summary of its steady RSS and CPU milliseconds per cycle against the
 * targets in the README (progress goes to stderr). Linux only: it reads /proc.
 *
 *   node scripts/dist/footprint.js
 *   node scripts/dist/footprint.js --interval 2s --duration 120s --node-flags ""
 */
import { parseFootprintOptions } from './footprint/options.js';
import { runFootprint } from './footprint/run-footprint.js';
import { SERVICE_NODE_FLAGS } from './footprint/service-flags.js';

async function main(): Promise<number> {
  const options = parseFootprintOptions(process.argv, SERVICE_NODE_FLAGS);
  const log = options.jsonOnly ? (): void => {} : (line: string): void => void process.stderr.write(`footprint: ${line}\n`);

  const interrupt = new AbortController();
  const onSignal = (name: string): void => {
    if (interrupt.signal.aborted) {
      process.stderr.write(`footprint: second ${name}; exiting without waiting for the teardown\n`);
      // The 'exit' hooks of the spawned agent and collector still kill them.
      process.exit(130);
    }
    process.stderr.write(`footprint: ${name}: stopping; summarizing what was measured (press again to exit at once)\n`);
    interrupt.abort();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  const summary = await runFootprint(options, { log, signal: interrupt.signal });
  await new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`, () => resolve()));
  return summary.interrupted ? 130 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`footprint: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
