import { describeZodError } from '@vigil/shared';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { AuditLog, type AuditActor } from '../audit/audit-log.js';
import { databaseFile } from '../server.js';
import { Store } from '../store/index.js';

/** Changes made from the command line act as the collector itself; whoever runs it has the database. */
export const CLI_ACTOR: AuditActor = { type: 'system', id: null, name: 'vigil-collector', sourceIp: null };

/** The parsed input, or a usage error naming the field (exit 2). */
export function parsedOrExit<T>(result: z.ZodSafeParseResult<T>): T {
  if (result.success) return result.data;
  process.stderr.write(`vigil-collector: ${describeZodError(result.error)}\n`);
  process.exit(2);
}

/**
 * Runs `fn` against the data directory's database (made if new), for commands that work
 * without a running collector; their changes are audited as the CLI's.
 */
export async function withOfflineStore<T>(dataDir: string, fn: (store: Store, audit: AuditLog) => T | Promise<T>): Promise<T> {
  mkdirSync(resolve(dataDir), { recursive: true, mode: 0o700 });
  const store = Store.open(databaseFile(dataDir));
  try {
    return await fn(store, new AuditLog(store, Date.now));
  } finally {
    store.close();
  }
}
