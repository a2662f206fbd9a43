import type { ApiToken, IssuedToken, User, WhoAmI } from '@vigil/shared';
import type { Command } from 'commander';
import { ApiClient, ApiRequestError } from '../api-client.js';
import { UsageError } from '../cli-error.js';
import { defaultConfigDir } from '../config-dir.js';
import { connectionOptions, normalizeServerUrl, warnIfPlaintext } from '../connection.js';
import { readCredentials, writeCredentials } from '../credentials.js';
import { formatTime, say, warn } from '../output.js';
import { promptHidden, promptLine, readSecretFromStdin, stdinIsTerminal } from '../prompt.js';

interface LoginOptions {
  username?: string;
  passwordStdin?: boolean;
  totp?: string;
}

type LoginAnswer = IssuedToken & { user: User };

/** --server, else VIGIL_SERVER, else the server of the stored login (logging in again). */
function loginServer(command: Command, configDir: string): string {
  const given = connectionOptions(command).server ?? readCredentials(configDir, warn)?.server;
  if (given === undefined) throw new UsageError('give the collector to log in to: vigil login --server URL');
  return normalizeServerUrl(given);
}

/** The token's expiry, when it is one of its user's own tokens (the bootstrap token has no user, and no expiry). */
async function ownTokenExpiry(client: ApiClient, tokenId: string): Promise<number | null> {
  try {
    const { tokens } = await client.get<{ tokens: ApiToken[] }>('/api/v1/tokens');
    return tokens.find((t) => t.id === tokenId)?.expiresAt ?? null;
  } catch {
    return null;
  }
}

/** Stores an API token the user already has, once the server has confirmed it works. */
async function storeApiToken(server: string, token: string, configDir: string): Promise<void> {
  const client = new ApiClient(server, token);
  const me = await client.get<WhoAmI>('/api/v1/auth/me');
  const expiresAt = await ownTokenExpiry(client, me.tokenId);
  const username = me.user?.username ?? null;
  const file = writeCredentials(configDir, { server, token, tokenId: me.tokenId, username, expiresAt, kind: 'api' });
  say(`logged in to ${server} as ${username ?? `token ${me.tokenId}`} (${me.role}) with an API token${expiresAt ? ` valid until ${formatTime(expiresAt)}` : ''}`);
  process.stderr.write(`credentials stored in ${file}\n`);
}

async function requestSession(client: ApiClient, username: string, password: string, totp: string | undefined, mayPrompt: boolean): Promise<LoginAnswer> {
  try {
    return await client.post<LoginAnswer>('/api/v1/auth/login', { username, password, ...(totp ? { totp } : {}) });
  } catch (error) {
    if (!(error instanceof ApiRequestError) || error.code !== 'totp_required' || totp || !mayPrompt) throw error;
    const code = (await promptLine('Authenticator code: ')).trim();
    return client.post<LoginAnswer>('/api/v1/auth/login', { username, password, totp: code });
  }
}

async function passwordLogin(server: string, opts: LoginOptions, configDir: string): Promise<void> {
  if (opts.passwordStdin && opts.username === undefined) throw new UsageError('--password-stdin needs --username');
  if (!opts.passwordStdin && !stdinIsTerminal()) {
    throw new UsageError('stdin is not a terminal: give --username NAME --password-stdin and pipe the password in');
  }
  const username = opts.username ?? (await promptLine('Username: ')).trim();
  const password = opts.passwordStdin ? await readSecretFromStdin('password') : await promptHidden('Password: ');
  const client = new ApiClient(server, undefined);
  const session = await requestSession(client, username, password, opts.totp, stdinIsTerminal());
  const file = writeCredentials(configDir, {
    server, token: session.token, tokenId: session.id, username: session.user.username, expiresAt: session.expiresAt, kind: 'session',
  });
  say(`logged in to ${server} as ${session.user.username} (${session.user.role}); the session expires at ${formatTime(session.expiresAt)}`);
  process.stderr.write(`credentials stored in ${file}\n`);
}

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('Log in to a collector and store the session (or an API token given with --token) for the commands that follow.')
    .option('--username <name>', 'user name (asked on the terminal when not given)')
    .option('--password-stdin', 'read the password from stdin instead of asking on the terminal')
    .option('--totp <code>', 'the current six-digit code of your authenticator app, if TOTP is on (asked when needed)')
    .addHelpText('after', `
The server is --server, else $VIGIL_SERVER, else the stored login's. The
password is never echoed. With --token, the API token is checked with the
server and stored instead of a session (vigil logout then forgets it but does
not revoke it).

The login is stored in credentials.json (mode 0600) in $VIGIL_CONFIG_DIR, else
$XDG_CONFIG_HOME/vigil or ~/.config/vigil (Linux),
~/Library/Application Support/vigil (macOS), %APPDATA%\\vigil (Windows).
A session lasts 12 hours.

Examples:
  vigil login --server https://vigil.example.com
  vigil login --server https://vigil.example.com --username alice --totp 123456
  printf '%s\\n' "$PASSWORD" |
    vigil login --server https://vigil.example.com --username ci --password-stdin
  vigil login --server https://vigil.example.com --token "$API_TOKEN"`)
    .action(async (opts: LoginOptions, command: Command) => {
      const configDir = defaultConfigDir();
      const server = loginServer(command, configDir);
      warnIfPlaintext(server);
      // Only a --token typed for this login is stored; VIGIL_TOKEN in the environment is not.
      const token = command.getOptionValueSourceWithGlobals('token') === 'cli' ? connectionOptions(command).token : undefined;
      if (token !== undefined) {
        if (opts.username !== undefined || opts.passwordStdin || opts.totp !== undefined) {
          throw new UsageError('--token stores an API token: leave out --username, --password-stdin and --totp');
        }
        await storeApiToken(server, token, configDir);
        return;
      }
      await passwordLogin(server, opts, configDir);
    });
}
