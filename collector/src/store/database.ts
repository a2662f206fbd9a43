import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations.js';

export type Db = Database.Database;

/**
 * Opens the SQLite file in WAL mode (readers never block the ingest writer) and brings the schema
 * up to date.
 *
 * synchronous=FULL: a commit returns only once the WAL is fsynced. Agents delete a frame from their
 * spool as soon as its ack arrives, and the ack is sent after the commit; with NORMAL the commit
 * survives a process crash but not a power loss or kernel crash, so acknowledged frames could
 * vanish with no copy left anywhere. Ingest writes one transaction per event-loop turn, so this
 * costs one fsync per batch of frames, not one per frame.
 */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 64 MiB of page cache: enough for the hot pages of tens of thousands of agents' frames.
  db.pragma('cache_size = -65536');
  migrate(db, migrations);
  return db;
}

export function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > latest) {
    throw new Error(`database schema version ${current} is newer than this collector understands (${latest}); upgrade the collector`);
  }
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
