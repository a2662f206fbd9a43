import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync } from 'node:fs';
import { writeFile, rename } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { fsyncDir, writeFully } from './durable-fs.js';

/** The state directory holds a private key, so it is created owner-only. */
export function ensureStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing directory's mode alone; tighten it, best effort (no-op on Windows).
  try {
    chmodSync(dir, 0o700);
  } catch {
    /* a directory we cannot chmod (e.g. owned by another user) is still usable */
  }
}

function tempPath(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
}

/**
 * Write-then-rename so a crash never leaves a half-written file behind: `file` holds either the
 * old or the new content. With `fsync`, the content and then the rename are forced to disk before
 * this returns, so the new content also survives power loss.
 */
export function writeFileAtomicSync(file: string, data: string | Buffer, mode = 0o600, options: { fsync?: boolean } = {}): void {
  const tmp = tempPath(file);
  const fd = openSync(tmp, 'w', mode);
  try {
    writeFully(fd, typeof data === 'string' ? Buffer.from(data) : data, 0);
    if (options.fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  if (options.fsync) fsyncDir(dirname(file));
}

export async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  const tmp = tempPath(file);
  await writeFile(tmp, data, { mode });
  await rename(tmp, file);
}
