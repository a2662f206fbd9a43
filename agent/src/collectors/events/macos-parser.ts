import { createHash } from 'node:crypto';
import type { EventEntry, EventLevel } from '@vigil/shared';
import { clipField, clipMessage } from './message.js';

export const UNIFIED_LOG = 'unified';

/** An entry with the microsecond time the boundary dedupe compares on. */
export interface UnifiedLogEntry {
  micros: number;
  entry: EventEntry;
}

export interface ParsedUnifiedLog {
  entries: UnifiedLogEntry[];
  /** Lines that were not JSON objects (a cut-off line, a note from the tool). */
  badLines: number;
}

/**
 * Parses `log show --style ndjson`: one JSON object per line. Only log events of type Error or
 * Fault are kept (the predicate already asks for those; anything else is ignored, not fatal).
 */
export function parseUnifiedLog(text: string): ParsedUnifiedLog {
  const result: ParsedUnifiedLog = { entries: [], badLines: 0 };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      result.badLines++;
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      result.badLines++;
      continue;
    }
    const entry = toEntry(value as Record<string, unknown>);
    if (entry) result.entries.push(entry);
  }
  return result;
}

/**
 * Faults are errors and errors warnings, as Console.app shows them (red and yellow): most
 * subsystems log recoverable conditions at the error type, and calling every one of those an error
 * would drown the alerts that matter.
 */
export function unifiedLevel(messageType: unknown): EventLevel | undefined {
  if (typeof messageType !== 'string') return undefined;
  const type = messageType.toLowerCase();
  if (type === 'fault') return 'error';
  return type === 'error' ? 'warning' : undefined;
}

/** "2025-06-24 14:32:34.176682+0300" → microseconds since the epoch. */
export function parseUnifiedTimestamp(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(?:(Z)|([+-])(\d{2}):?(\d{2}))$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zulu, sign, oh = '0', om = '0'] = m;
  const utcSeconds = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  const offset = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60);
  const micros = Number((frac + '000000').slice(0, 6));
  return (utcSeconds - offset) * 1_000_000 + micros;
}

function toEntry(record: Record<string, unknown>): UnifiedLogEntry | undefined {
  if (record.eventType !== undefined && record.eventType !== 'logEvent') return undefined;
  const level = unifiedLevel(record.messageType);
  const micros = parseUnifiedTimestamp(record.timestamp);
  if (!level || micros === undefined) return undefined;
  const message = typeof record.eventMessage === 'string' ? record.eventMessage : '';
  const process = typeof record.processImagePath === 'string' ? record.processImagePath.split('/').pop() : undefined;
  const subsystem = typeof record.subsystem === 'string' && record.subsystem ? record.subsystem : undefined;
  const entry: EventEntry = {
    id: entryId(record, message),
    log: UNIFIED_LOG,
    level,
    ts: Math.floor(micros / 1000),
    message: clipMessage(message),
  };
  const source = clipField(subsystem ?? process, 256);
  if (source) entry.source = source;
  return { micros, entry };
}

/**
 * The unified log has no record number. These fields together identify one entry: the boot, the
 * mach clock tick, the thread and the message; hashed to a fixed length.
 */
function entryId(record: Record<string, unknown>, message: string): string {
  const parts = [record.bootUUID, record.machTimestamp, record.processID, record.threadID, record.traceID, record.timestamp, record.processImagePath, message];
  return createHash('sha256').update(parts.map((p) => (p === undefined || p === null ? '' : String(p))).join('\u0000')).digest('hex').slice(0, 32);
}
