import { Command, InvalidArgumentError, Option } from 'commander';
import { PATCH_SOURCES, type PatchSource } from '@vigil/shared';
import { COLLECTOR_NAMES, parseCollectorList } from '../collectors/registry.js';
import { DEFAULT_PATCH_INTERVAL_MS } from '../collectors/patches/collector.js';
import { parseServiceList } from '../collectors/services/watch-list.js';
import { createLogger } from '../log.js';
import { NotEnrolledError } from '../state/enrollment-store.js';
import { STATE_ENV, defaultStateDir, resolveStateDir } from '../state/paths.js';
import { AGENT_VERSION } from '../version.js';
import { addServiceCommand } from '../service/cli.js';
import { collectCommand } from './collect.js';
import { enrollCommand } from './enroll.js';
import { CliError, EXIT_REFUSED, durationOption } from './options.js';
import { runCommand, spoolMaxArgument } from './run.js';
import { DEFAULT_SPOOL_MAX_BYTES } from '../connection/spool/byte-size.js';
import { gatherStatus, renderStatus } from './status.js';

const stateOption = () =>
  new Option('--state <dir>', `state directory (default: $${STATE_ENV}, else ${defaultStateDir()})`);

const servicesOption = () =>
  new Option('--services <names>', 'comma-separated services to report as service.up (systemd units, Windows services, launchd labels)').argParser((v: string) => {
    try {
      return parseServiceList(v);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  });

/** Errors become one line on stderr and an exit status; stacks are for bugs, not for users. */
function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`vigil-agent: ${message}\n`);
      process.exitCode = error instanceof CliError ? error.exitCode : 1;
      const expected = error instanceof CliError || error instanceof NotEnrolledError;
      if (!expected && process.env.VIGIL_DEBUG) console.error(error);
    }
  };
}

const program = new Command()
  .name('vigil-agent')
  .description('Vigil endpoint agent: streams telemetry to a Vigil collector and runs the scripts it dispatches.')
  .version(AGENT_VERSION)
  .showHelpAfterError()
  .addHelpText('after', `\nEnvironment:\n  ${STATE_ENV}     state directory\n  VIGIL_LOG_LEVEL       log level (trace, debug, info, warn, error; default info, warn for collect)\n\nExit status: 0 ok, 1 error, ${EXIT_REFUSED} the collector refused this agent (unauthorized, revoked, unsupported protocol).`);

program
  .command('enroll')
  .description('Register this endpoint with a collector using an enrollment token; prints the new agent id on stdout.')
  .requiredOption('--server <url>', 'collector base URL, e.g. https://vigil.example.com')
  .requiredOption('--token <token>', 'enrollment token (from `vigil-collector enroll-token create`)')
  .addOption(stateOption())
  .addOption(new Option('--timeout <duration>', 'request timeout').default(15_000, '15s').argParser(durationOption(1)))
  .option('--force', "replace an existing enrollment (the old identity's key is overwritten)", false)
  .option('--ca <file>', "PEM CA certificate(s) the collector's certificate must chain to, instead of the system CAs; copied into the state directory")
  .option('--fingerprint <sha256>', "pin the collector's certificate by its SHA-256 fingerprint (as `vigil-collector serve` prints it; colons optional)")
  .option('--allow-plaintext', 'allow an http:// server: nothing is encrypted, so only for loopback demos and tests', false)
  .option('--trust-key <file>', 'pin this script-signing public key (a .pub file from `vigil keys generate`); the tenant\'s trust document is then pinned only if signed by it')
  .addHelpText('after', `
Writes agent.json and agent.key (mode 0600) into the state directory (mode 0700), and ca.pem with --ca.
The enrollment and every later connection verify the collector the same way: --ca, --fingerprint (both: both must hold), else the system CAs.

Scripts run only if signed by a key the agent pins (trust.json). By default the agent pins the
tenant's trust document the collector sends at enrollment; with --trust-key it pins that key
instead, and takes the collector's document only if that key signed it. Later versions replace
the pin only if signed by a key already pinned. Enrolling again replaces the pin.`)
  .action(
    action(async (opts: { server: string; token: string; state?: string; timeout: number; force: boolean; ca?: string; fingerprint?: string; allowPlaintext: boolean; trustKey?: string }) => {
      const agentId = await enrollCommand({
        server: opts.server, token: opts.token, stateDir: resolveStateDir(opts.state), timeoutMs: opts.timeout, force: opts.force,
        ...(opts.ca !== undefined ? { caFile: opts.ca } : {}),
        ...(opts.fingerprint !== undefined ? { fingerprint: opts.fingerprint } : {}),
        ...(opts.trustKey !== undefined ? { trustKeyFile: opts.trustKey } : {}),
        allowPlaintext: opts.allowPlaintext,
      });
      process.stdout.write(`${agentId}\n`);
    }),
  );

program
  .command('run')
  .description('Connect to the collector and stream a telemetry frame every interval; runs dispatched scripts. Stops on SIGINT/SIGTERM.')
  .addOption(stateOption())
  .addOption(new Option('--interval <duration>', 'time between frames, e.g. 30s, 1m').default(60_000, '60s').argParser(durationOption(100)))
  .addOption(servicesOption())
  .addOption(new Option('--patch-interval <duration>', 'time between pending-patch scans').default(DEFAULT_PATCH_INTERVAL_MS, '6h').argParser(durationOption(60_000)))
  .option('--patch-refresh', 'refresh the package catalog before each patch scan (apt-get update, dnf without -C, ...)', false)
  .addOption(new Option('--spool-max <size>', 'cap on the disk spool of frames awaiting the collector (oldest dropped beyond it), e.g. 64MB, 1GB').default(DEFAULT_SPOOL_MAX_BYTES, '256MB').argParser(spoolMaxArgument))
  .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal']))
  .option('--textfile-dir <dir>', 'read custom metrics from the *.prom files here every frame (default: <state>/textfile)')
  .option('--allow-unsigned', 'DEVELOPMENT ONLY: also run unsigned scripts; refused unless the collector is on a loopback address', false)
  .addHelpText('after', `
Logs (JSON lines) go to stderr. Runtime state is written to status.json in the state directory;
frames awaiting the collector are spooled under spool/ there.

Scripts run only if signed by a key pinned at enrollment, unaltered, addressed to this agent,
unexpired, for its tenant and OS, and with parameter values the signer allowed; anything else is
answered "rejected" with the reason. Run ids are remembered (runs.jsonl), so no dispatch runs twice.

Custom metrics (--textfile-dir), as node_exporter's textfile collector: each line of a *.prom file,
"name value" or "name{label=\"v\",...} value" (# starts a comment; names [a-z_][a-z0-9_]*), becomes
the sample custom.<name> with those labels. Write the file elsewhere and rename it into place so the
agent never reads half of it. Malformed lines are skipped and named in the source's status; at most
64 files of 64 KiB each and 1,000 samples are read.`)
  .action(
    action(async (opts: { state?: string; interval: number; logLevel?: string; services?: string[]; patchInterval: number; patchRefresh: boolean; spoolMax: number; textfileDir?: string; allowUnsigned: boolean }) => {
      await runCommand({
        stateDir: resolveStateDir(opts.state), intervalMs: opts.interval, ...(opts.logLevel ? { logLevel: opts.logLevel } : {}), ...(opts.services ? { services: opts.services } : {}),
        patches: { intervalMs: opts.patchInterval, refresh: opts.patchRefresh }, spoolMaxBytes: opts.spoolMax,
        ...(opts.textfileDir !== undefined ? { textfileDir: opts.textfileDir } : {}), allowUnsigned: opts.allowUnsigned,
      });
    }),
  );

program
  .command('collect')
  .description('Run the collectors without a server and print frames as JSON on stdout (logs on stderr).')
  .option('--once', 'print a single frame and exit', false)
  .addOption(new Option('--only <names>', `comma-separated collectors to run (${COLLECTOR_NAMES.join(', ')})`).argParser((v: string) => {
    try {
      return parseCollectorList(v);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  }))
  .addOption(new Option('--interval <duration>', 'time between frames without --once').default(60_000, '60s').argParser(durationOption(100)))
  .addOption(servicesOption())
  .addOption(new Option('--patch-source <source>', 'scan pending patches with this source instead of the detected one').choices(PATCH_SOURCES))
  .option('--patch-refresh', 'refresh the package catalog before the patch scan', false)
  .option('--textfile-dir <dir>', 'read custom metrics from the *.prom files here (see run --help); without it the textfile source reads nothing')
  .addHelpText('after', '\nRate metrics (disk and network throughput, CPU usage) are measured over a ~1 s window before the first frame.')
  .action(
    action(async (opts: { once: boolean; only?: string[]; interval: number; services?: string[]; patchSource?: PatchSource; patchRefresh: boolean; textfileDir?: string }) => {
      const logger = createLogger({}, process.env.VIGIL_LOG_LEVEL ?? 'warn');
      const patches = { refresh: opts.patchRefresh, ...(opts.patchSource ? { source: opts.patchSource } : {}) };
      await collectCommand({ collectors: opts.only ?? [...COLLECTOR_NAMES], once: opts.once, intervalMs: opts.interval, logger, ...(opts.services ? { services: opts.services } : {}), patches, ...(opts.textfileDir !== undefined ? { textfileDir: opts.textfileDir } : {}) });
    }),
  );

program
  .command('status')
  .description("Show this endpoint's enrollment and what the running agent last reported (connection, seqs, buffered frames, last error).")
  .addOption(stateOption())
  .option('--json', 'print the report as JSON', false)
  .action(
    action((opts: { state?: string; json: boolean }) => {
      const report = gatherStatus(resolveStateDir(opts.state));
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
      if (!report.enrolled) process.exitCode = 1;
    }),
  );

addServiceCommand(program, action);

await program.parseAsync(process.argv);
