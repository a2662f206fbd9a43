import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { durationOption } from '../duration-option.js';

export interface LoadOptions {
  /** Collector base URL; null when the simulator starts its own collector. */
  server: string | null;
  /** Admin API token; null with --spawn, whose collector writes its own. */
  token: string | null;
  dataDir: string | null;
  agents: number;
  intervalMs: number;
  durationMs: number;
  warmupMs: number;
  samplesPerFrame: number;
  breachEveryMs: number;
  /** Background rules beside the load rule: a realistic mix (see background-rules.ts) that never opens an alert. */
  backgroundRules: number;
  connectConcurrency: number;
  connectTimeoutMs: number;
  drainTimeoutMs: number;
  requestTimeoutMs: number;
  spawn: boolean;
  jsonOnly: boolean;
  /** Storm mode: kill and restart the spawned collector once the fleet is connected, and time the reconnection. */
  storm: boolean;
  /** Give up waiting for every agent to be readmitted and its backlog drained after this long. */
  stormTimeoutMs: number;
  /** How long the killed collector stays down before it is started again: what the agents' backlog builds up over. */
  stormDownMs: number;
  /** Passed to the spawned collector as --max-handshakes. */
  maxHandshakes: number | null;
  /** Bulk-job benchmark: once warmed up, run one job on every simulated agent and time it. */
  job: boolean;
  /** The job's concurrency and ratePerSec; null: the collector's defaults. */
  jobConcurrency: number | null;
  jobRatePerSec: number | null;
  /** How long each simulated run takes between job.started and job.result. */
  jobRuntimeMs: number;
  /** From the job's POST: stop waiting for it to finish after this long. */
  jobTimeoutMs: number;
}

function nonNegativeInt(label: string, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`${label} must be a whole number from 0 to ${max}`);
    return n;
  };
}

function positiveInt(label: string, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${label} must be a whole number from 1 to ${max}`);
    return n;
  };
}


interface RawOptions {
  server?: string;
  token?: string;
  data?: string;
  agents: number;
  interval: number;
  duration: number;
  warmup: number;
  samplesPerFrame: number;
  breachEvery: number;
  rules: number;
  connectConcurrency: number;
  connectTimeout: number;
  drainTimeout: number;
  requestTimeout: number;
  spawn: boolean;
  jsonOnly: boolean;
  storm: boolean;
  stormTimeout: number;
  stormDown: number;
  maxHandshakes?: number;
  job: boolean;
  jobConcurrency?: number;
  jobRate?: number;
  jobRuntime: number;
  jobTimeout: number;
}

export function parseLoadOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): LoadOptions {
  const program = new Command()
    .name('load-sim')
    .description(
      'Simulates a fleet of Vigil agents against a collector over the real enrollment API and /agent protocol, ' +
        'and prints one JSON summary of ack latency, breach-to-alert latency and collector memory on stdout ' +
        '(with --job, also how fast one job reaches every agent and finishes).',
    )
    .option('--server <url>', 'collector base URL, e.g. http://127.0.0.1:8080 (required unless --spawn)')
    .option('--token <token>', 'admin API token (default: env VIGIL_TOKEN, else <data>/admin.token)')
    .option('--data <dir>', 'collector data directory to read admin.token from (env VIGIL_DATA)')
    .option('--agents <n>', 'simulated agents', positiveInt('--agents', 100_000), 1000)
    .addOption(durationOption('--interval <duration>', 'frame interval per agent', '1s', 10))
    .addOption(durationOption('--duration <duration>', 'measurement period once every agent is connected', '30s', 100))
    .addOption(durationOption('--warmup <duration>', 'frames sent before measuring starts', '5s', 0))
    .option('--samples-per-frame <k>', 'samples in each frame (catalog metrics with mount/iface/device labels)', positiveInt('--samples-per-frame', 5000), 20)
    .addOption(durationOption('--breach-every <duration>', 'how often one random agent breaches the load rule', '5s', 50))
    .option('--rules <n>', 'extra rules on the fleet (thresholds, windows, scopes, overrides, exclusions; some crossed by the values but held ' +
      'by a day-long "for"), none ever opening an alert, to measure evaluation with a realistic rule set', nonNegativeInt('--rules', 10_000), 0)
    .option('--connect-concurrency <n>', 'enrollments and handshakes in flight at once', positiveInt('--connect-concurrency', 10_000), 200)
    .addOption(durationOption('--connect-timeout <duration>', 'give up if enrolling and connecting everyone takes longer', '5m', 1000))
    .addOption(durationOption('--drain-timeout <duration>', 'how long to wait for outstanding acks and alerts after measuring', '10s', 0))
    .addOption(durationOption('--request-timeout <duration>', 'timeout of each HTTP request and WebSocket handshake', '15s', 100))
    .option('--spawn', 'start a collector on 127.0.0.1 with a temporary data directory, and stop it at the end', false)
    .option('--json-only', 'no progress on stderr, only the JSON summary on stdout', false)
    .option('--storm', 'reconnect storm: connect the fleet, SIGKILL the spawned collector, restart it on the same data and port, ' +
      'and measure how the agents (reconnecting with the real agent\'s jittered backoff, spooling frames meanwhile) are readmitted, ' +
      'how long until every spooled frame is acknowledged, and how the API answers meanwhile', false)
    .addOption(durationOption('--storm-timeout <duration>', 'storm mode: stop waiting for readmission and drained spools after this long', '3m', 1000))
    .addOption(durationOption('--storm-down <duration>', 'storm mode: how long the collector stays down before it is restarted; ' +
      'each agent spools about this divided by --interval frames meanwhile', '10s', 0))
    .option('--max-handshakes <n>', 'spawned collector: agent connections allowed mid-handshake at once (its --max-handshakes)', positiveInt('--max-handshakes', 1_000_000))
    .option('--job', 'bulk-job benchmark: once warmed up, run one job (a script of its own) on every simulated agent and time ' +
      'its dispatch to all, its results and the collector\'s CPU and memory meanwhile; the window lasts until the job finishes', false)
    .option('--job-concurrency <n>', '--job: runs sent and unfinished at once (default: the collector\'s)', positiveInt('--job-concurrency', 100_000))
    .option('--job-rate <n>', '--job: dispatches per second (default: the collector\'s)', positiveInt('--job-rate', 100_000))
    .addOption(durationOption('--job-runtime <duration>', '--job: how long each simulated run takes before its result', '0ms', 0))
    .addOption(durationOption('--job-timeout <duration>', '--job: stop waiting for the job to finish this long after creating it', '2m', 1000))
    .showHelpAfterError();
  program.parse(argv as string[], { from: 'node' });
  const raw = program.opts<RawOptions>();

  if (raw.storm && !raw.spawn) program.error('error: --storm restarts the collector, so it needs --spawn');
  const stormFlagGiven = program.getOptionValueSource('stormTimeout') === 'cli' || program.getOptionValueSource('stormDown') === 'cli';
  if (stormFlagGiven && !raw.storm) program.error('error: --storm-timeout and --storm-down configure --storm; give --storm too');
  if (raw.maxHandshakes !== undefined && !raw.spawn) program.error('error: --max-handshakes configures a spawned collector; it needs --spawn');
  if (raw.job && raw.storm) program.error('error: --job and --storm are separate scenarios; give one');
  const jobFlagGiven = raw.jobConcurrency !== undefined || raw.jobRate !== undefined ||
    program.getOptionValueSource('jobRuntime') === 'cli' || program.getOptionValueSource('jobTimeout') === 'cli';
  if (jobFlagGiven && !raw.job) program.error('error: --job-concurrency, --job-rate, --job-runtime and --job-timeout configure --job; give --job too');
  if (!raw.spawn && !raw.server) program.error('error: --server is required unless --spawn is given');
  // A spawned collector is fresh: its token and data directory are its own.
  if (raw.spawn && (raw.server || raw.token || raw.data)) program.error('error: --spawn starts its own collector; it takes no --server, --token or --data');
  let server: string | null = null;
  if (raw.server) {
    try {
      const url = new URL(raw.server);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('expected http: or https:');
      server = url.origin;
    } catch (err) {
      program.error(`error: --server ${raw.server}: ${(err as Error).message}`);
    }
  }

  const dataDir = raw.spawn ? null : raw.data ?? env.VIGIL_DATA ?? null;
  let token = raw.spawn ? null : raw.token ?? env.VIGIL_TOKEN ?? null;
  if (!token && !raw.spawn) {
    if (!dataDir) program.error('error: give --token, set VIGIL_TOKEN, or point --data at the collector data directory');
    token = readAdminToken(dataDir!);
  }

  return {
    server, token, dataDir,
    agents: raw.agents,
    intervalMs: raw.interval,
    durationMs: raw.duration,
    warmupMs: raw.warmup,
    samplesPerFrame: raw.samplesPerFrame,
    breachEveryMs: raw.breachEvery,
    backgroundRules: raw.rules,
    connectConcurrency: raw.connectConcurrency,
    connectTimeoutMs: raw.connectTimeout,
    drainTimeoutMs: raw.drainTimeout,
    requestTimeoutMs: raw.requestTimeout,
    spawn: raw.spawn,
    jsonOnly: raw.jsonOnly,
    storm: raw.storm,
    stormTimeoutMs: raw.stormTimeout,
    stormDownMs: raw.stormDown,
    maxHandshakes: raw.maxHandshakes ?? null,
    job: raw.job,
    jobConcurrency: raw.jobConcurrency ?? null,
    jobRatePerSec: raw.jobRate ?? null,
    jobRuntimeMs: raw.jobRuntime,
    jobTimeoutMs: raw.jobTimeout,
  };
}

export function readAdminToken(dataDir: string): string {
  const file = join(dataDir, 'admin.token');
  const token = readFileSync(file, 'utf8').trim();
  if (!token) throw new Error(`${file} is empty`);
  return token;
}
