import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a file readable by its owner alone: its directory 0700, the file 0600, written to a
 * temporary file and renamed so a crash never leaves half a file, and chmod-ed after the write
 * because the mode given to open is narrowed by the umask, never widened.
 */
export function writePrivateFile(file: string, text: string): void {
  const dir = dirname(file);
  const createdDir = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (createdDir !== undefined) chmodSync(dir, 0o700);
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    try {
      writeSync(fd, text);
      fchmodSync(fd, 0o600);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
