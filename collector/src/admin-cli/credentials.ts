import { readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError } from './cli-error.js';
import { writePrivateFile } from './private-file.js';

/** What `vigil login` remembers. The token is a secret: it is never printed. */
export const StoredCredentialsSchema = z.object({
  server: z.string(),
  token: z.string(),
  tokenId: z.string(),
  username: z.string().nullable(),
  /** Unix ms; null when unknown (an API token given with `login --token`). */
  expiresAt: z.number().nullable(),
  /** A session from a password login is revoked on logout; a stored API token is only forgotten. */
  kind: z.enum(['session', 'api']).default('session'),
});
export type StoredCredentials = z.infer<typeof StoredCredentialsSchema>;

export const CREDENTIALS_FILE = 'credentials.json';

export function credentialsPath(configDir: string): string {
  return join(configDir, CREDENTIALS_FILE);
}

/** The stored login, or null when there is none. A damaged file is an error, not a silent logout. */
export function readCredentials(configDir: string, warn: (message: string) => void = () => {}): StoredCredentials | null {
  const file = credentialsPath(configDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    warn(`${file} is readable by other users; run: chmod 600 ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = StoredCredentialsSchema.safeParse(json);
  if (!parsed.success) throw new CliError(`${file} is damaged; run vigil login again (or delete the file)`);
  return parsed.data;
}

/** Writes the login readable by its owner alone (see writePrivateFile). */
export function writeCredentials(configDir: string, credentials: StoredCredentials): string {
  const file = credentialsPath(configDir);
  writePrivateFile(file, `${JSON.stringify(credentials, null, 2)}\n`);
  return file;
}

/** Returns whether there was a stored login to remove. */
export function removeCredentials(configDir: string): boolean {
  try {
    unlinkSync(credentialsPath(configDir));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
