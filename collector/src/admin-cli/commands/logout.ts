import type { Command } from 'commander';
import { ApiClient, ApiRequestError } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { defaultConfigDir } from '../config-dir.js';
import { normalizeServerUrl } from '../connection.js';
import { readCredentials, removeCredentials } from '../credentials.js';
import { say, warn } from '../output.js';

export function registerLogout(program: Command): void {
  program
    .command('logout')
    .description('End the stored session on the server and delete the stored login.')
    .addHelpText('after', `
A session from a password login is revoked on the server. A stored API token
(vigil login --token) is only forgotten here; revoke it with vigil tokens revoke.

Example:
  vigil logout`)
    .action(async () => {
      const configDir = defaultConfigDir();
      const stored = readCredentials(configDir, warn);
      if (!stored) {
        say('not logged in');
        return;
      }
      const server = normalizeServerUrl(stored.server);
      if (stored.kind === 'api') {
        removeCredentials(configDir);
        say(`forgot the API token stored for ${server}; it stays valid until it expires or is revoked (vigil tokens revoke ${stored.tokenId})`);
        return;
      }
      try {
        await new ApiClient(server, stored.token).post('/api/v1/auth/logout');
      } catch (error) {
        // 401: the session had already ended (expired, revoked); there is nothing left to end.
        if (!(error instanceof ApiRequestError && error.status === 401)) {
          removeCredentials(configDir);
          throw new CliError(`deleted the stored login, but could not end the session on ${server}: ${(error as Error).message}`, {
            hint: 'it ends by itself when it expires; an admin can revoke it sooner',
          });
        }
      }
      removeCredentials(configDir);
      say(`logged out of ${server}`);
    });
}
