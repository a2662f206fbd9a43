import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../os/run-command.js';
import type { PowerShellRunner } from '../../os/powershell.js';
import { parseWinEvents, parseWinTime, winLevel } from './windows-parser.js';
import { WindowsEventSource, applyLogResults, buildWinEventScript, type WindowsPosition } from './windows.js';

const fixture = (name: string) => JSON.parse(readFileSync(join(fileURLToPath(new URL('./fixtures/', import.meta.url)), name), 'utf8')) as unknown;
const NOW = Date.parse('2024-03-01T12:00:00Z');
const options = { limit: 3, timeoutMs: 5000, now: NOW };

describe('parseWinEvents (recorded Get-WinEvent | ConvertTo-Json)', () => {
  // PowerShell 7 (see fixtures/NOTES.md): a single object, Level 2, ISO time with offset.
  it('reads a PowerShell 7 record', () => {
    const parsed = parseWinEvents(fixture('windows-get-winevent-ps7.json'));
    expect(parsed).toEqual({
      skipped: 0,
      records: [{
        recordId: 1814,
        entry: {
          id: '1814', log: 'Microsoft-Windows-WinRM/Operational', level: 'error', ts: Date.parse('2022-05-20T07:01:30.283Z'),
          source: 'Microsoft-Windows-WinRM', eventId: '142', message: 'WSMan operation Enumeration failed, error code 2150858770',
        },
      }],
    });
  });

  // Windows PowerShell 5.1 (see fixtures/NOTES.md): "\/Date(ms)\/" time. It is an Information event,
  // which is not reported; the same record at Warning level is.
  it('reads a Windows PowerShell 5.1 record and leaves Information events out', () => {
    const record = fixture('windows-get-winevent-ps51.json') as Record<string, unknown>;
    expect(parseWinEvents(record)).toEqual({ records: [], skipped: 1 });
    const [warning] = parseWinEvents([{ ...record, Level: 3 }]).records;
    expect(warning?.entry).toEqual({
      id: '2555', log: 'System', level: 'warning', ts: 1595374458918, source: 'Microsoft-Windows-Hyper-V-Netvsc', eventId: '13',
      message: "Miniport NIC 'Microsoft Hyper-V Network Adapter #3' disconnected",
    });
  });

  it('maps levels and both time formats', () => {
    expect([0, 1, 2, 3, 4, 5].map(winLevel)).toEqual([undefined, 'error', 'error', 'warning', undefined, undefined]);
    expect(parseWinTime('/Date(1595374458918)/')).toBe(1595374458918);
    expect(parseWinTime('2022-05-20T03:01:30.2834368-04:00')).toBe(Date.parse('2022-05-20T07:01:30.283Z'));
    expect(parseWinTime('yesterday')).toBeUndefined();
  });

  it('keeps an event whose message file is missing, saying so', () => {
    const record = { ...(fixture('windows-get-winevent-ps7.json') as object), Message: null };
    expect(parseWinEvents(record).records[0]?.entry.message).toMatch(/no message text/);
  });
});

/** Constructed: the envelope the agent's script prints, around records shaped as recorded. */
const event = (recordId: number, level: number, log = 'System') => ({
  RecordId: recordId, Id: 7000 + recordId, Level: level, ProviderName: 'Service Control Manager', LogName: log,
  TimeCreated: `/Date(${NOW - 60_000 + recordId})/`, Message: `event ${recordId}`,
});

describe('Windows RecordId resume', () => {
  it('continues after the last RecordId per log and reads at most the limit', () => {
    const from: WindowsPosition = { System: { recordId: 10, time: NOW - 3_600_000 }, Application: { recordId: 500, time: NOW - 3_600_000 } };
    const read = applyLogResults(from, [
      // The time margin lets the boundary event come back; RecordId decides.
      { log: 'System', newest: 40, events: [event(10, 2), event(11, 2), event(12, 3), event(13, 1), event(14, 2)], error: null },
      { log: 'Application', newest: 500, events: null, error: null },
    ], options.limit);
    if (!read.ok) throw new Error(read.reason);
    expect(read.entries.map((e) => e.id)).toEqual(['11', '12', '13']);
    expect(read.position).toEqual({ System: { recordId: 13, time: NOW - 60_000 + 13 }, Application: from.Application });
    expect(read.logs).toEqual(['System', 'Application']);
  });

  it('starts again from the top of a log that was cleared', () => {
    const from: WindowsPosition = { System: { recordId: 9000, time: NOW - 1000 } };
    const read = applyLogResults(from, [{ log: 'System', newest: 12, events: [], error: null }], 100);
    expect(read).toMatchObject({ ok: true, entries: [], logs: [], position: { System: { recordId: 0, time: NOW - 1000 } } });
    expect(read.ok && read.notes[0]).toMatch(/System log was cleared/);
  });

  it('reads the other log when one fails, and reports the failure', () => {
    const read = applyLogResults(undefined, [
      { log: 'System', newest: null, events: [], error: 'Attempted to perform an unauthorized operation.' },
      { log: 'Application', newest: 3, events: event(3, 2, 'Application'), error: null },
    ], 100);
    expect(read).toMatchObject({ ok: true, logs: ['Application'], failures: ['System: Attempted to perform an unauthorized operation.'], position: { Application: { recordId: 3 } } });
  });

  it('builds a FilterHashtable query per log from the saved RecordId, with a time margin', () => {
    const script = buildWinEventScript({ System: { recordId: 77, time: NOW } }, options);
    expect(script).toContain("Get-WinEvent -FilterHashtable @{ LogName = $Log; Level = 1, 2, 3; StartTime = $Start } -Oldest");
    expect(script).toContain("Read-VigilLog -Log 'System' -After 77 -Start ([DateTime]::Parse('2024-03-01T11:55:00.000Z'");
    expect(script).toContain("Read-VigilLog -Log 'Application' -After 0 -Start ([DateTime]::Parse('2024-03-01T11:00:00.000Z'");
    expect(script).toContain('-Max 3');
  });

  it('runs through the PowerShell seam and reports bad output as unknown', async () => {
    const answer = (stdout: string, exitCode = 0): PowerShellRunner => async () => ({
      kind: 'exited', command: 'powershell.exe', exitCode, signal: null, stdout, stderr: exitCode ? 'boom' : '', stdoutTruncated: false, durationMs: 1,
    } satisfies CommandResult);
    const ok = await new WindowsEventSource(answer(JSON.stringify([{ log: 'System', newest: 5, events: [event(5, 2)], error: null }]))).read(undefined, options);
    expect(ok).toMatchObject({ ok: true, entries: [{ id: '5', log: 'System', level: 'error' }] });
    const truncated = await new WindowsEventSource(answer('[{"log":"System","newest":5,"ev')).read(undefined, options);
    expect(truncated).toEqual({ ok: false, reason: expect.stringMatching(/^PowerShell did not print the expected JSON/) });
    const failed = await new WindowsEventSource(answer('', 1)).read(undefined, options);
    expect(failed).toEqual({ ok: false, reason: 'powershell.exe exited with code 1: boom' });
  });
});
