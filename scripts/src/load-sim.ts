/**
 * Load simulator: drives a collector with a fleet of simulated agents over the real enrollment
 * API and /agent protocol, and prints one JSON summary on stdout (progress goes to stderr).
 *
 *   node scripts/dist/load-sim.js --spawn --agents 1000 --interval 1s --duration 30s
 *   node scripts/dist/load-sim.js --server http://127.0.0.1:8080 --data ./data --agents 5000
 *   node scripts/dist/load-sim.js --spawn --storm --agents 5000 --max-handshakes 64 --storm-down 30s
 *   node scripts/dist/load-sim.js --spawn --agents 10000 --interval 60s --job --job-runtime 0ms
 */
import { ApiClient } from './load/api-client.js';
import { CollectorProcess } from './load/collector-process.js';
import { parseLoadOptions } from './load/options.js';
import { runLoad } from './load/run-load.js';
import { runStorm } from './load/run-storm.js';

async function main(): Promise<number> {
  const options = parseLoadOptions(process.argv);
  const log = options.jsonOnly ? (): void => {} : (line: string): void => void process.stderr.write(`load-sim: ${line}\n`);

  const interrupt = new AbortController();
  const onSignal = (name: string): void => {
    if (interrupt.signal.aborted) {
      process.stderr.write(`load-sim: second ${name}; exiting without waiting for the teardown\n`);
      // The 'exit' hook of a spawned collector still kills it.
      process.exit(130);
    }
    process.stderr.write(`load-sim: ${name}: stopping; finishing the teardown (press again to exit at once)\n`);
    interrupt.abort();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  let collector: CollectorProcess | null = null;
  try {
    let server = options.server;
    let token = options.token;
    if (options.spawn) {
      // Every simulated agent connects from 127.0.0.1, standing in for thousands of machines; the
      // per-address share of the handshake slots would otherwise measure one host, not a fleet.
      const admission = ['--max-handshakes-per-address', String(options.maxHandshakes ?? 1_000_000)];
      const started = await CollectorProcess.start(log, options.maxHandshakes === null ? admission : ['--max-handshakes', String(options.maxHandshakes), ...admission]);
      collector = started.collector;
      server = started.url;
      token = started.token;
      log(`started collector pid ${collector.pid} at ${server} (data ${collector.dataDir})`);
    }
    if (!server || !token) throw new Error('no collector URL or API token');
    const api = new ApiClient(server, token, options.requestTimeoutMs);
    const summary = options.storm && collector
      ? await runStorm(options, { api, collector, log, signal: interrupt.signal })
      : await runLoad(options, { api, log, signal: interrupt.signal, collectorLog: collector?.logCounts ?? null });
    if (collector && !options.jsonOnly) {
      for (const [message, count] of Object.entries(collector.logCounts.messages)) log(`collector logged ×${count}: ${message}`);
    }
    await new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`, () => resolve()));
    return summary.interrupted ? 130 : 0;
  } finally {
    if (collector) {
      await collector.stop();
      log('collector stopped');
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`load-sim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
