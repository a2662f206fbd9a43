import { Command, InvalidArgumentError } from 'commander';
import { durationOption } from '../duration-option.js';

export interface ConsoleBenchOptions {
  agents: number;
  alerts: number;
  tenants: number;
  intervalMs: number;
  connectConcurrency: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  alertsTimeoutMs: number;
  /** How long to watch each page's frames while live updates arrive. */
  liveMs: number;
  chromium: string;
  screenshots: string | null;
  jsonOnly: boolean;
}

function positiveInt(label: string, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${label} must be a whole number from 1 to ${max}`);
    return n;
  };
}

export function parseConsoleBenchOptions(argv: readonly string[]): ConsoleBenchOptions {
  const program = new Command()
    .name('console-bench')
    .description(
      'Measures the web console in headless Chromium against a collector carrying a simulated fleet (real protocol, ' +
        'live frames) with that many open alerts: time to first render, time to apply a filter, and frame times while ' +
        'scrolling and while live updates arrive, for the alert feed and the fleet page. Prints one JSON summary.',
    )
    .option('--agents <n>', 'simulated agents', positiveInt('--agents', 100_000), 10_000)
    .option('--alerts <n>', 'agents whose alert stays open (spread over P1–P4)', positiveInt('--alerts', 10_000), 2000)
    .option('--tenants <n>', 'tenants the agents are spread over', positiveInt('--tenants', 1000), 10)
    .addOption(durationOption('--interval <duration>', 'frame interval per agent', '30s', 100))
    .option('--connect-concurrency <n>', 'enrollments and handshakes in flight at once', positiveInt('--connect-concurrency', 10_000), 200)
    .addOption(durationOption('--connect-timeout <duration>', 'give up connecting the fleet after this long', '15m', 1000))
    .addOption(durationOption('--request-timeout <duration>', 'timeout of each HTTP request and WebSocket handshake', '60s', 100))
    .addOption(durationOption('--alerts-timeout <duration>', 'give up waiting for the alerts to open after this long', '5m', 1000))
    .addOption(durationOption('--live <duration>', 'how long to watch each page take live updates', '10s', 0))
    .option('--chromium <path>', 'the Chromium executable', '/usr/bin/chromium')
    .option('--screenshots <dir>', 'save a screenshot of each measured page here')
    .option('--json-only', 'no progress on stderr, only the JSON summary on stdout', false)
    .showHelpAfterError();
  program.parse(argv as string[], { from: 'node' });
  const raw = program.opts<{
    agents: number; alerts: number; tenants: number; interval: number; connectConcurrency: number; connectTimeout: number;
    requestTimeout: number; alertsTimeout: number; live: number; chromium: string; screenshots?: string; jsonOnly: boolean;
  }>();
  if (raw.alerts > raw.agents) program.error('error: --alerts cannot exceed --agents (one alert per noisy agent)');
  if (raw.tenants > raw.agents) program.error('error: --tenants cannot exceed --agents');
  return {
    agents: raw.agents, alerts: raw.alerts, tenants: raw.tenants, intervalMs: raw.interval, connectConcurrency: raw.connectConcurrency,
    connectTimeoutMs: raw.connectTimeout, requestTimeoutMs: raw.requestTimeout, alertsTimeoutMs: raw.alertsTimeout, liveMs: raw.live,
    chromium: raw.chromium, screenshots: raw.screenshots ?? null, jsonOnly: raw.jsonOnly,
  };
}
