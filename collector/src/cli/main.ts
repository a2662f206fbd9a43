import { EnrollmentTokenInputSchema, parseDuration } from '@vigil/shared';
import { Command, InvalidArgumentError } from 'commander';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createEnrollmentToken } from '../auth/enrollment-tokens.js';
import { startCollector } from '../server.js';
import { CLI_ACTOR, parsedOrExit, withOfflineStore } from './offline.js';
import { addUserCommand } from './user-command.js';

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return port;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

interface ServeTls {
  cert: string;
  key: string;
  /** What agents pin with `vigil-agent enroll --fingerprint`. */
  fingerprint256: string;
}

/** --tls-cert and --tls-key, read and checked to belong together before anything listens. */
function loadServeTls(certFile: string | undefined, keyFile: string | undefined): ServeTls | undefined {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) throw new Error('--tls-cert and --tls-key go together: give both to serve HTTPS and WSS, or neither for plain HTTP');
  const read = (file: string, option: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read ${option} ${file}: ${(error as Error).message}`);
    }
  };
  const cert = read(certFile, '--tls-cert');
  const key = read(keyFile, '--tls-key');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert); // the first certificate of a chain is the server's own
  } catch (error) {
    throw new Error(`--tls-cert ${certFile} is not a PEM certificate: ${(error as Error).message}`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new Error(`--tls-key ${keyFile} is not an unencrypted PEM private key: ${(error as Error).message}`);
  }
  if (!leaf.checkPrivateKey(privateKey)) throw new Error(`--tls-key ${keyFile} does not belong to the certificate in --tls-cert ${certFile}`);
  return { cert, key, fingerprint256: leaf.fingerprint256 };
}

const program = new Command()
  .name('vigil-collector')
  .description('The Vigil collector: agent gateway, telemetry store, alert engine, remediation and API in one process.');

program
  .command('serve')
  .description('Start the collector (HTTP API, alert stream and the /agent WebSocket on one port).')
  .option('--port <port>', 'port to listen on (env VIGIL_PORT)', portNumber, Number(process.env.VIGIL_PORT ?? 8080))
  .option('--host <host>', 'address to listen on (env VIGIL_HOST)', process.env.VIGIL_HOST ?? '127.0.0.1')
  .option('--data <dir>', 'data directory for the SQLite database and admin token (env VIGIL_DATA)', process.env.VIGIL_DATA ?? './data')
  .option('--heartbeat <duration>', 'heartbeat interval agents are told to keep', '30s')
  .option('--handshake-timeout <duration>', 'time a new agent connection has to authenticate', '10s')
  .option('--offline-after <duration>', 'mark an agent offline when unheard of this long (default: three of its frame intervals)')
  .option('--restart-grace <duration>', 'after a start, time agents known before it have to reconnect before they count as offline', '2m')
  .option('--max-handshakes <n>', 'agent connections allowed mid-handshake at once (default 256); more are told to retry later', positiveInt)
  .option('--max-handshakes-per-address <n>', 'the same per client address, IPv6 per /64 (default 64)', positiveInt)
  .option('--tls-cert <file>', 'PEM certificate (chain, server certificate first): serve HTTPS and WSS; needs --tls-key')
  .option('--tls-key <file>', 'PEM private key of --tls-cert')
  .action(async (opts: { port: number; host: string; data: string; heartbeat: string; handshakeTimeout: string; offlineAfter?: string; restartGrace: string; maxHandshakes?: number; maxHandshakesPerAddress?: number; tlsCert?: string; tlsKey?: string }) => {
    const tls = loadServeTls(opts.tlsCert, opts.tlsKey);
    const collector = await startCollector({
      dataDir: opts.data, host: opts.host, port: opts.port,
      heartbeatSec: Math.max(1, Math.round(parseDuration(opts.heartbeat) / 1000)),
      handshakeTimeoutMs: parseDuration(opts.handshakeTimeout),
      ...(opts.offlineAfter ? { offlineAfterMs: parseDuration(opts.offlineAfter) } : {}),
      restartGraceMs: parseDuration(opts.restartGrace),
      ...(opts.maxHandshakes ? { maxPendingHandshakes: opts.maxHandshakes } : {}),
      ...(opts.maxHandshakesPerAddress ? { maxPendingHandshakesPerAddress: opts.maxHandshakesPerAddress } : {}),
      ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
    });
    if (tls) {
      // Printed for the admin to copy into `vigil-agent enroll --fingerprint`.
      collector.context.log.info({ fingerprint256: tls.fingerprint256 }, 'serving TLS; agents can pin this certificate');
      process.stdout.write(`vigil-collector certificate SHA-256 fingerprint ${tls.fingerprint256}\n`);
    }
    // One plain line for people and scripts: where the collector is.
    process.stdout.write(`vigil-collector listening on ${collector.url}\n`);
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      collector.context.log.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      collector.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });

const enrollToken = program.command('enroll-token').description('Manage agent enrollment tokens.');
enrollToken
  .command('create')
  .description('Create an enrollment token bound to a tenant and site; prints the token alone on stdout.')
  .requiredOption('--tenant <tenant>', 'tenant (client) id, created if new')
  .option('--site <site>', 'site id within the tenant, created if new', 'default')
  .option('--tags <tags>', 'comma-separated tags given to agents enrolled with it', '')
  .option('--expires <duration>', 'lifetime, e.g. 24h or 7d', '24h')
  .option('--max-uses <n>', 'how many agents may enroll with it')
  .option('--data <dir>', 'data directory (env VIGIL_DATA)', process.env.VIGIL_DATA ?? './data')
  .action(async (opts: { tenant: string; site: string; tags: string; expires: string; maxUses?: string; data: string }) => {
    const input = parsedOrExit(EnrollmentTokenInputSchema.safeParse({
      tenant: opts.tenant, site: opts.site,
      tags: opts.tags.split(',').map((t) => t.trim()).filter(Boolean),
      expiresInMs: parseDuration(opts.expires),
      maxUses: opts.maxUses === undefined ? null : Number(opts.maxUses),
    }));
    const token = await withOfflineStore(opts.data, (store, audit) => store.transaction(() => {
      const created = createEnrollmentToken(store, input, Date.now());
      audit.recordAs(CLI_ACTOR, {
        action: 'enrollment_token.created', tenantId: created.tenantId, target: { type: 'enrollment_token', id: created.id },
        after: { siteId: created.siteId, tags: created.tags, expiresAt: created.expiresAt, maxUses: created.maxUses },
      });
      return created.token;
    }));
    process.stdout.write(`${token}\n`);
  });

addUserCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`vigil-collector: ${(err as Error).message}\n`);
  process.exit(1);
});
