import type { EventEntry, EventLevel } from '@vigil/shared';
import { clipField, clipMessage } from './message.js';

/** A Windows event reduced to what the cursor and the frame need. */
export interface WinEventRecord {
  recordId: number;
  entry: EventEntry;
}

export interface ParsedWinEvents {
  records: WinEventRecord[];
  /** Objects that were not usable events (no RecordId, no time); counted, never fatal. */
  skipped: number;
}

/**
 * Parses what `Get-WinEvent ... | ConvertTo-Json` prints: an array of EventLogRecord objects, or a
 * single object when there was one event (ConvertTo-Json unwraps one-element arrays). Works on
 * both Windows PowerShell 5.1 (TimeCreated as "\/Date(ms)\/") and PowerShell 7 (ISO 8601).
 */
export function parseWinEvents(value: unknown, fallbackLog?: string): ParsedWinEvents {
  const items = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
  const result: ParsedWinEvents = { records: [], skipped: 0 };
  for (const item of items) {
    const record = toRecord(item, fallbackLog);
    if (record) result.records.push(record);
    else result.skipped++;
  }
  return result;
}

/** Level 1 Critical and 2 Error are errors, 3 Warning a warning; 0 and 4 (Information) are not reported. */
export function winLevel(level: unknown): EventLevel | undefined {
  if (level === 1 || level === 2) return 'error';
  return level === 3 ? 'warning' : undefined;
}

/** "\/Date(1595374458918)\/" (PowerShell 5.1) or "2022-05-20T03:01:30.2834368-04:00" (PowerShell 7). */
export function parseWinTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const legacy = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value);
  if (legacy?.[1]) return Number(legacy[1]);
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function toRecord(item: unknown, fallbackLog: string | undefined): WinEventRecord | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const event = item as Record<string, unknown>;
  const recordId = event.RecordId;
  const ts = parseWinTime(event.TimeCreated);
  const log = typeof event.LogName === 'string' && event.LogName ? event.LogName : fallbackLog;
  const level = winLevel(event.Level);
  if (typeof recordId !== 'number' || !Number.isSafeInteger(recordId) || recordId < 0 || ts === undefined || !log || !level) return undefined;
  const entry: EventEntry = {
    // RecordId is unique within its log, and the log is part of the collector's key.
    id: String(recordId),
    log: log.slice(0, 64),
    level,
    ts: Math.max(0, ts),
    message: clipMessage(
      typeof event.Message === 'string' ? event.Message : "(no message text: the event provider's message file is not available on this host)",
    ),
  };
  const source = clipField(typeof event.ProviderName === 'string' ? event.ProviderName : undefined, 256);
  if (source) entry.source = source;
  if (typeof event.Id === 'number') entry.eventId = String(event.Id);
  return { recordId, entry };
}
