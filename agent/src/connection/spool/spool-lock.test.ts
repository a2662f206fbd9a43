import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../log.js';
import { DiskSpool } from './disk-spool.js';
import { SpoolLock, SpoolLockedError, lockFile } from './spool-lock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-lock-'));
  dirs.push(dir);
  return join(dir, 'spool');
}
function lockedBy(dir: string, pid: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(lockFile(dir), `${pid}\n`);
}
/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('SpoolLock', () => {
  it('holds the pid of the process that has the spool, and is gone after a clean release', () => {
    const dir = spoolDir();
    const lock = SpoolLock.acquire(dir);
    expect(readFileSync(lockFile(dir), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(lockFile(dir))).toBe(false);
  });

  it('refuses a spool held by another live process, naming it', () => {
    const dir = spoolDir();
    // The parent (the test runner) is certainly alive and certainly not this process.
    lockedBy(dir, process.ppid);
    const error = (() => {
      try {
        SpoolLock.acquire(dir);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SpoolLockedError);
    expect((error as SpoolLockedError).pid).toBe(process.ppid);
    expect((error as Error).message).toMatch(new RegExp(`another vigil-agent process \\(pid ${process.ppid}\\)`));
    expect(readFileSync(lockFile(dir), 'utf8').trim()).toBe(String(process.ppid));
  });

  it('takes over a lock left by a process that died, or by an earlier run with this same pid', () => {
    for (const stale of [deadPid(), process.pid]) {
      const dir = spoolDir();
      lockedBy(dir, stale);
      const lock = SpoolLock.acquire(dir);
      expect(readFileSync(lockFile(dir), 'utf8').trim()).toBe(String(process.pid));
      lock.release();
    }
  });

  it('does not delete a lock that is no longer its own', () => {
    const dir = spoolDir();
    const lock = SpoolLock.acquire(dir);
    rmSync(lockFile(dir));
    lockedBy(dir, process.ppid);
    lock.release();
    expect(readFileSync(lockFile(dir), 'utf8').trim()).toBe(String(process.ppid));
  });
});

describe('DiskSpool lock', () => {
  it('does not open a spool another live process has open, and touches none of its files', () => {
    const dir = spoolDir();
    lockedBy(dir, process.ppid);
    writeFileSync(join(dir, '.meta.json.123.tmp'), 'an atomic write in progress over there');
    expect(() => DiskSpool.open({ dir, maxBytes: 1024 * 1024, logger: silentLogger() })).toThrow(SpoolLockedError);
    expect(existsSync(join(dir, '.meta.json.123.tmp'))).toBe(true);
  });

  it('locks the spool while open and unlocks it on close', () => {
    const dir = spoolDir();
    const spool = DiskSpool.open({ dir, maxBytes: 1024 * 1024, logger: silentLogger() });
    expect(readFileSync(lockFile(dir), 'utf8').trim()).toBe(String(process.pid));
    spool.close();
    expect(existsSync(lockFile(dir))).toBe(false);
  });
});
