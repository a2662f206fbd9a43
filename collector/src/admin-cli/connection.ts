import type { Command } from 'commander';
import { ApiClient } from './api-client.js';
import { CliError, UsageError } from './cli-error.js';
import { defaultConfigDir } from './config-dir.js';
import { readCredentials, type StoredCredentials } from './credentials.js';
import { formatTime, warn } from './output.js';

/** --server and --token as commander gives them: the flag, else the environment variable. */
export interface ConnectionOptions {
  server?: string;
  token?: string;
}

export interface Connection {
  server: string;
  token: string;
  /** The token is the stored login's, so a 401 means: log in again. */
  fromStore: boolean;
}

/** A collector base URL without a trailing slash; anything but http(s) is a usage error. */
export function normalizeServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(`--server ${text} is not a URL: give e.g. https://vigil.example.com:8443`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--server ${text}: only http:// and https:// are supported`);
  if (url.username || url.password) throw new UsageError('--server must not carry a user name or password; use vigil login');
  if (url.search || url.hash) throw new UsageError(`--server ${text} must not have a query or fragment`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** A password or token sent over plain HTTP beyond this machine can be read on the way. */
export function warnIfPlaintext(server: string): void {
  const url = new URL(server);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    warn(`${server} is plain HTTP: credentials and data travel unencrypted; use https://`);
  }
}

/**
 * Which server and token a command uses: --token/--server, then VIGIL_TOKEN/VIGIL_SERVER, then
 * the stored login. The stored token is only ever sent to the server it was issued by.
 */
export function resolveConnection(given: ConnectionOptions, stored: StoredCredentials | null, now: number): Connection {
  const serverText = given.server ?? stored?.server;
  if (serverText === undefined) throw new UsageError('no server: give --server URL, set VIGIL_SERVER, or run vigil login --server URL');
  const server = normalizeServerUrl(serverText);
  if (given.token !== undefined) return { server, token: given.token, fromStore: false };
  if (!stored) throw new CliError(`not logged in: run vigil login --server ${server}, or give --token (or set VIGIL_TOKEN)`);
  const storedServer = normalizeServerUrl(stored.server);
  if (storedServer !== server) {
    throw new CliError(`not logged in to ${server} (the stored login is for ${storedServer}): run vigil login --server ${server}, or give --token`);
  }
  if (stored.expiresAt !== null && stored.expiresAt <= now) {
    throw new CliError(`the login to ${server} expired at ${formatTime(stored.expiresAt)}: run vigil login --server ${server}`);
  }
  return { server, token: stored.token, fromStore: true };
}

export function connectionOptions(command: Command): ConnectionOptions {
  return command.optsWithGlobals<ConnectionOptions>();
}

/** The API client for a command, from its options and the stored login. */
export function connect(command: Command): ApiClient {
  const given = connectionOptions(command);
  const stored = given.token !== undefined && given.server !== undefined ? null : readCredentials(defaultConfigDir(), warn);
  const connection = resolveConnection(given, stored, Date.now());
  warnIfPlaintext(connection.server);
  return new ApiClient(connection.server, connection.token, {
    ...(connection.fromStore ? { unauthorizedHint: `log in again: vigil login --server ${connection.server}` } : {}),
  });
}
