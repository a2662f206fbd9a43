import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventEntrySchema } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { journalLevel, parseJournalJson } from './journald-parser.js';

const fixture = (name: string) => readFileSync(join(fileURLToPath(new URL('./fixtures/', import.meta.url)), name), 'utf8');

describe('parseJournalJson', () => {
  // Recorded from systemd 252's journalctl (see fixtures/NOTES.md).
  it('reads a recorded `journalctl -o json -p warning` answer', () => {
    const parsed = parseJournalJson(fixture('journald-since.jsonl'));
    expect(parsed.badLines).toBe(0);
    expect(parsed.cursors).toHaveLength(7);
    expect(parsed.entries.map((e) => [e.level, e.source])).toEqual([
      ['warning', 'kernel'],
      ['error', 'backup-agent'],
      ['warning', 'certcheck'],
      ['error', 'vigil-test'],
      ['warning', 'bad-bytes'],
      ['error', 'multi'],
      ['error', 'multi'],
    ]);
    const [, backup] = parsed.entries;
    expect(backup).toEqual({
      id: 's=6dbb3a53edde4cef9534a6f25f078c51;i=156;b=0f01c302b7fe4b8fa5ca7fbfc4c5b8b8;m=d0b84a5a;t=660f62ab9cab0;x=a6cdc418479a6b83',
      log: 'journal',
      level: 'error',
      ts: 1795460255304,
      source: 'backup-agent',
      message: 'disk quota for /srv/backup exceeded; backup job aborted',
    });
    for (const entry of parsed.entries) expect(EventEntrySchema.safeParse(entry).success).toBe(true);
    // Two entries logged in the same microsecond still have distinct ids.
    expect(new Set(parsed.entries.map((e) => e.id)).size).toBe(7);
  });

  it('decodes a message journalctl printed as bytes because it is not valid UTF-8', () => {
    const badBytes = parseJournalJson(fixture('journald-since.jsonl')).entries[4]!;
    expect(badBytes.message).toBe('binary \uFFFD\uFFFD bytes in message');
  });

  // elastic/beats corner-cases.json (see fixtures/NOTES.md): a user unit's entry, MESSAGE as bytes.
  it('reads an entry of a user unit whose message holds a carriage return', () => {
    const [entry] = parseJournalJson(fixture('journald-beats-pulseaudio.jsonl')).entries;
    expect(entry).toMatchObject({ level: 'error', source: 'user@1000.service', ts: 1719859366807 });
    expect(entry!.message).toBe('Unable to parse indicator of AT+BIA command: AT+BIA=1,1,0,0,0\rAT+BCS=2');
  });

  it('skips truncated and foreign lines, counting them, and keeps the good ones', () => {
    const lines = fixture('journald-since.jsonl').split('\n');
    const broken = [lines[0], lines[1]!.slice(0, 80), 'Hint: something', '-- No entries --', '', lines[2]].join('\n');
    const parsed = parseJournalJson(broken);
    expect(parsed.badLines).toBe(2);
    expect(parsed.entries.map((e) => e.source)).toEqual(['kernel', 'certcheck']);
  });

  it('maps priorities 0-3 to error and 4 to warning; ignores the rest', () => {
    expect(['0', '1', '2', '3', '4', '5', '6', '7', 'x', undefined].map(journalLevel)).toEqual([
      'error', 'error', 'error', 'error', 'warning', undefined, undefined, undefined, undefined, undefined,
    ]);
  });

  it('says so when journalctl withheld a message too large to print', () => {
    const line = JSON.stringify({ __CURSOR: 's=a;i=1', __REALTIME_TIMESTAMP: '1000', PRIORITY: '3', MESSAGE: null, _SYSTEMD_UNIT: 'x.service', MESSAGE_ID: 'fc2e22bc6ee647b6b90729ab34a250b1' });
    expect(parseJournalJson(line).entries[0]).toMatchObject({ message: '(message not shown: larger than journalctl prints)', eventId: 'fc2e22bc6ee647b6b90729ab34a250b1' });
  });
});
