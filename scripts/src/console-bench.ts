/**
 * Console benchmark: starts a collector, connects a simulated fleet with open alerts, and measures
 * the web console's list pages in headless Chromium. Prints one JSON summary on stdout.
 *
 *   node scripts/dist/console-bench.js --agents 10000 --alerts 2000
 */
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { parseConsoleBenchOptions } from './console-bench/options.js';
import { benchTenant, startBenchFleet, type BenchFleet } from './console-bench/bench-fleet.js';
import { consoleListPages } from './console-bench/console-pages.js';
import { measurePage, type PageFigures } from './console-bench/measure-page.js';
import { ApiClient } from './load/api-client.js';
import { CollectorProcess } from './load/collector-process.js';
import { fdLimitWarning } from './load/fd-limit.js';
import { closeFleet } from './load/fleet.js';
import { RunStats } from './load/run-stats.js';

async function main(): Promise<number> {
  const options = parseConsoleBenchOptions(process.argv);
  const log = options.jsonOnly ? (): void => {} : (line: string): void => void process.stderr.write(`console-bench: ${line}\n`);
  const interrupt = new AbortController();
  process.on('SIGINT', () => interrupt.abort());
  process.on('SIGTERM', () => interrupt.abort());
  const fdWarning = fdLimitWarning(options.agents);
  if (fdWarning) log(`warning: ${fdWarning}`);
  if (options.screenshots) mkdirSync(options.screenshots, { recursive: true });

  // Every simulated agent connects from 127.0.0.1; the per-address handshake share would otherwise measure one host.
  const { collector, url, token } = await CollectorProcess.start(log, ['--max-handshakes-per-address', '1000000']);
  let fleet: BenchFleet | null = null;
  const stats = new RunStats(log);
  try {
    log(`collector at ${url}; connecting ${options.agents} simulated agents over ${options.tenants} tenants`);
    const api = new ApiClient(url, token, options.requestTimeoutMs);
    fleet = await startBenchFleet(api, options, stats, log, interrupt.signal);
    log(`${fleet.agents.length} agents connected, ${fleet.openAlerts} alerts open; measuring in Chromium`);
    const browser = await chromium.launch({
      executablePath: options.chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    const pages: Record<string, PageFigures> = {};
    try {
      for (const list of consoleListPages(benchTenant(Math.min(1, options.tenants - 1)))) {
        const expected = list.rows === 'agents' ? fleet.agents.length : fleet.openAlerts;
        log(`measuring ${list.name} (${expected} rows)`);
        pages[list.name] = await measurePage(browser, url, token, list.page, expected, list.searches, options.liveMs, options.screenshots);
      }
    } finally {
      await browser.close();
    }
    const summary = {
      agents: fleet.agents.length, openAlerts: fleet.openAlerts, tenants: options.tenants, intervalMs: options.intervalMs,
      connectMs: Math.round(fleet.connectMs), errors: stats.errors, pages,
    };
    await new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`, () => resolve()));
    return 0;
  } finally {
    fleet?.stop();
    stats.shuttingDown = true;
    if (fleet) await closeFleet(fleet.agents, 5000);
    await collector.stop();
    log('collector stopped');
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`console-bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
