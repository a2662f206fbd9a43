import type { EventEntry, EventLevel } from '@vigil/shared';
import { clipField, clipMessage } from './message.js';

/** The `log` label and entry log of everything read from journald. */
export const JOURNAL_LOG = 'journal';

export interface ParsedJournal {
  /** Entries at priority warning or above, in journal order. */
  entries: EventEntry[];
  /** __CURSOR of every parsed line, in order (including any skipped for their priority). */
  cursors: string[];
  /** Lines that were not a journal entry: truncated or otherwise broken JSON. */
  badLines: number;
}

/**
 * Parses `journalctl -o json` output: one JSON object per line. A broken line (the output was cut
 * off, or the tool printed something else) is counted and skipped, never fatal. Lines starting
 * with "-- " are journalctl's own notes (e.g. "-- No entries --") and are ignored.
 */
export function parseJournalJson(text: string): ParsedJournal {
  const result: ParsedJournal = { entries: [], cursors: [], badLines: 0 };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('-- ')) continue;
    let record: unknown;
    try {
      record = JSON.parse(trimmed);
    } catch {
      result.badLines++;
      continue;
    }
    if (!isRecord(record) || typeof record.__CURSOR !== 'string' || record.__CURSOR === '') {
      result.badLines++;
      continue;
    }
    result.cursors.push(record.__CURSOR);
    const entry = toEntry(record, record.__CURSOR);
    if (entry) result.entries.push(entry);
  }
  return result;
}

/** PRIORITY 0-3 (emerg, alert, crit, err) are errors and 4 a warning; anything else is not reported. */
export function journalLevel(priority: unknown): EventLevel | undefined {
  const value = typeof priority === 'string' ? Number(priority) : NaN;
  if (!Number.isInteger(value) || value < 0) return undefined;
  if (value <= 3) return 'error';
  return value === 4 ? 'warning' : undefined;
}

function toEntry(record: Record<string, unknown>, cursor: string): EventEntry | undefined {
  const level = journalLevel(field(record.PRIORITY));
  if (!level) return undefined;
  const micros = Number(field(record.__REALTIME_TIMESTAMP));
  const entry: EventEntry = {
    // The cursor names the entry exactly and stays the same when journald rotates its files.
    id: cursor.length <= 256 ? cursor : cursor.slice(0, 256),
    log: JOURNAL_LOG,
    level,
    ts: Number.isFinite(micros) && micros >= 0 ? Math.floor(micros / 1000) : 0,
    message: clipMessage(messageText(record.MESSAGE)),
  };
  const source = clipField(
    field(record._SYSTEMD_UNIT) ?? field(record._SYSTEMD_USER_UNIT) ?? field(record.SYSLOG_IDENTIFIER) ?? field(record._COMM),
    256,
  );
  if (source) entry.source = source;
  const messageId = clipField(field(record.MESSAGE_ID), 64);
  if (messageId) entry.eventId = messageId;
  return entry;
}

/**
 * journalctl prints a field as a string, as an array of byte values when it is not valid UTF-8,
 * as an array of values when the entry has the field more than once, and as null when it is
 * larger than journalctl prints without --all.
 */
function messageText(value: unknown): string {
  if (value === null) return '(message not shown: larger than journalctl prints)';
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (isByteArray(value)) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(messageText).join('\n');
  return String(value);
}

/** The first value of a possibly repeated string field. */
function field(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isByteArray(value)) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value) && value.length > 0) return field(value[0]);
  return undefined;
}

function isByteArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
