import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from './atomic-write.js';

/**
 * Where each event-log source resumes after a restart: a journald cursor, the last Windows
 * RecordId per log, the last macOS timestamp. A position is saved only once the frame carrying the
 * entries before it is safe (in the disk spool, or acknowledged with an in-memory queue), so
 * nothing read but not yet safe is skipped after a crash.
 */
export interface EventCursorStore {
  /** The saved position of one source, as it was saved (the source validates it). */
  load(source: string): unknown;
  save(source: string, position: unknown): void;
  /** Why the saved positions could not be read, when they could not (the sources start afresh). */
  readonly problem?: string | undefined;
}

export const eventCursorFile = (stateDir: string) => join(stateDir, 'event-cursors.json');

/** All sources in one small JSON file, replaced atomically on every save. */
export class FileEventCursorStore implements EventCursorStore {
  private readonly file: string;
  private positions: Record<string, unknown>;
  readonly problem: string | undefined;

  constructor(stateDir: string) {
    this.file = eventCursorFile(stateDir);
    const { positions, problem } = readPositions(this.file);
    this.positions = positions;
    this.problem = problem;
  }

  load(source: string): unknown {
    return this.positions[source];
  }

  save(source: string, position: unknown): void {
    const next = { ...this.positions, [source]: position };
    writeFileAtomicSync(this.file, `${JSON.stringify(next)}\n`, 0o600);
    this.positions = next;
  }
}

/** For one-off collection (`collect --once`): nothing is acknowledged, so nothing is kept. */
export class MemoryEventCursorStore implements EventCursorStore {
  private readonly positions = new Map<string, unknown>();
  load(source: string): unknown {
    return this.positions.get(source);
  }
  save(source: string, position: unknown): void {
    this.positions.set(source, position);
  }
}

function readPositions(file: string): { positions: Record<string, unknown>; problem?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { positions: {} };
    return { positions: {}, problem: `cannot read ${file}: ${(error as Error).message}` };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { positions: parsed as Record<string, unknown> };
  } catch {
    // fall through: a corrupt file is reported, and reading starts afresh rather than failing forever
  }
  return { positions: {}, problem: `${file} is not a JSON object; event logs are read afresh` };
}
