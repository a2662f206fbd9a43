import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/index.js';
import { newId } from '../store/ids.js';
import { hashSecret, newSecret } from './secrets.js';

/**
 * On first start with an empty data dir: create the first admin API token and write it to
 * <data>/admin.token (0600). Only its hash is stored in the database. Returns the file path
 * when a token was created.
 */
export function ensureAdminToken(store: Store, dataDir: string, now: number): string | null {
  if (store.tokens.countApiTokens() > 0) return null;
  const token = newSecret('vgt');
  store.tokens.insertApiToken({ id: newId('tok'), name: 'admin', tokenHash: hashSecret(token), role: 'owner', createdAt: now });
  const file = join(dataDir, 'admin.token');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
