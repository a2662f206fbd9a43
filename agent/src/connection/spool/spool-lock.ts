import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive } from '../../os/pid-alive.js';
import { writeFully } from '../../state/durable-fs.js';
import { removeIfExists } from '../../state/remove-if-exists.js';

/** Another live process has the spool open; writing next to it would interleave records. */
export class SpoolLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly pid: number | undefined,
  ) {
    super(`another vigil-agent process (pid ${pid ?? 'unknown'}) is using the spool in ${join(lockFile, '..')}; stop it first, or delete ${lockFile} if that pid is not an agent`);
  }
}

export const lockFile = (dir: string) => join(dir, 'lock');

/**
 * Makes this process the only one writing the spool in `dir` (a service and a manual
 * `vigil-agent run --state` on the same state directory would otherwise append to the same
 * segments). The lock is a file created exclusively and holding the owner's pid. A lock whose
 * pid is gone was left by a crash and is taken over; so is one holding this process's own pid,
 * which can only be a previous run's (a container's agent is often pid 1 on every start).
 */
export class SpoolLock {
  private released = false;

  private constructor(private readonly file: string) {}

  static acquire(dir: string): SpoolLock {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = lockFile(dir);
    // Two rounds: one to find a stale lock and remove it, one to take its place. Losing the
    // second round means another process took it in between, which is then reported.
    for (let round = 0; round < 2; round++) {
      if (tryCreate(file)) return new SpoolLock(file);
      const holder = readHolder(file);
      if (holder !== undefined && holder !== process.pid && pidAlive(holder)) throw new SpoolLockedError(file, holder);
      removeIfExists(file);
    }
    throw new SpoolLockedError(file, readHolder(file));
  }

  /** Deletes the lock (on a clean stop); a crash leaves it for the next start to take over. */
  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      // Only our own: a lock another process took over (ours looked stale to it) stays its.
      if (readHolder(this.file) === process.pid) removeIfExists(this.file);
    } catch {
      /* unreadable: not ours to delete */
    }
  }
}

/** Creates the lock with our pid in it; false if a lock exists already. */
function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  let written = false;
  try {
    writeFully(fd, Buffer.from(`${process.pid}\n`), 0);
    written = true;
  } finally {
    closeSync(fd);
    // A lock naming nobody would only be taken over later anyway; closed first, for Windows.
    if (!written) removeIfExists(file);
  }
  return true;
}

/**
 * The pid in the lock; undefined when it is gone, empty or not a pid (a crash while writing it).
 * A lock that cannot be read (another user's) throws: it cannot be judged stale.
 */
function readHolder(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}
