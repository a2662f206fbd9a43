import { writeFileSync, renameSync, mkdirSync, chmodSync } from 'node:fs';
import { writeFile, rename } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

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

/** Write-then-rename so a crash never leaves a half-written file behind. */
export function writeFileAtomicSync(file: string, data: string, mode = 0o600): void {
  const tmp = tempPath(file);
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, file);
}

export async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  const tmp = tempPath(file);
  await writeFile(tmp, data, { mode });
  await rename(tmp, file);
}
