import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from './database.js';
import { MIGRATIONS } from './migrations.js';
import { openTempStore } from '../testing/temp-store.js';

describe('database migrations', () => {
  let temp: ReturnType<typeof openTempStore> | undefined;
  afterEach(() => temp?.cleanup());

  it('brings a new file to the latest version in WAL mode, and reopening changes nothing', () => {
    temp = openTempStore();
    const latest = Math.max(...MIGRATIONS.map((m) => m.version));
    expect(temp.store.db.pragma('user_version', { simple: true })).toBe(latest);
    expect(temp.store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    temp.store.tenants.ensureTenantAndSite('acme', 'hq', 1);
    const reopened = temp.reopen();
    expect(reopened.db.pragma('user_version', { simple: true })).toBe(latest);
    expect(reopened.tenants.listTenants().map((t) => t.id)).toEqual(['acme']);
  });

  it('fsyncs every commit, since agents delete a frame from their spool once its ack arrives', () => {
    temp = openTempStore();
    // 2 is FULL: the WAL reaches the disk before a commit returns, so an ack sent after the commit
    // outlives a power loss. NORMAL (1) would only outlive a crash of the process.
    expect(temp.store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(temp.reopen().db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('applies only the migrations past the stored version, each in its own transaction', () => {
    temp = openTempStore();
    const db = temp.store.db;
    // Past the highest version, not the count: versions may leave gaps.
    const next = Math.max(...MIGRATIONS.map((m) => m.version)) + 1;
    migrate(db, [...MIGRATIONS, { version: next, name: 'extra', sql: 'CREATE TABLE extra (id INTEGER);' }]);
    expect(db.pragma('user_version', { simple: true })).toBe(next);
    // A failing migration leaves neither its tables nor a bumped version behind.
    expect(() => migrate(db, [...MIGRATIONS, { version: next + 1, name: 'broken', sql: 'CREATE TABLE half (id INTEGER); SELECT * FROM nowhere;' }])).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(next);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
  });

  it('refuses a database written by a newer collector', () => {
    temp = openTempStore();
    temp.store.db.pragma('user_version = 999');
    const file = temp.file;
    temp.store.close();
    expect(() => openDatabase(file)).toThrow(/schema version 999 is newer/);
  });
});
