import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/**
 * A new or renamed file survives power loss only once its directory entry is on disk too. Windows
 * cannot open a directory for fsync (and journals metadata itself), so there this is best effort.
 */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    if (process.platform !== 'win32') throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes all of `data` at `position` (a single write may be short). */
export function writeFully(fd: number, data: Buffer, position: number): void {
  let written = 0;
  while (written < data.length) written += writeSync(fd, data, written, data.length - written, position + written);
}
