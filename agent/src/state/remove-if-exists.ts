import { unlinkSync } from 'node:fs';
import type { Logger } from '../log.js';

/**
 * Deletes a file that should go away, where a file already gone is just as good. Any other failure
 * is logged (when a logger is given) rather than thrown: a leftover file costs disk space, and
 * whoever opens the directory next deletes it again.
 */
export function removeIfExists(path: string, logger?: Logger): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger?.warn({ file: path, err: (error as Error).message }, 'cannot delete a file');
  }
}
