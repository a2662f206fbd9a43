import type { EventEntry } from '@vigil/shared';
import { describeCommandFailure } from '../../os/run-command.js';
import { spawnPowerShell, type PowerShellRunner } from '../../os/powershell.js';
import { parseWinEvents } from './windows-parser.js';
import { FIRST_READ_LOOKBACK_MS, type EventRead, type EventSource, type ReadOptions } from './types.js';

export const WINDOWS_LOGS = ['System', 'Application'] as const;

/** Per log: the last RecordId read and when that event was created. */
export type WindowsPosition = Record<string, { recordId: number; time: number }>;

/**
 * TimeCreated is set by the event's provider while RecordId is assigned on write, so the two can
 * disagree by a little; the time filter starts this much earlier and RecordId decides.
 */
const TIME_MARGIN_MS = 5 * 60 * 1000;

/**
 * The Windows Event Log through Get-WinEvent -FilterHashtable (System and Application, levels
 * critical, error, warning), resuming after the last RecordId per log. FilterHashtable has no
 * RecordId key, so StartTime narrows the query on the server side and Where-Object keeps what
 * comes after the RecordId; Select-Object -First stops the pipeline once enough were read.
 */
export class WindowsEventSource implements EventSource<WindowsPosition> {
  readonly name = 'windows';

  constructor(private readonly powershell: PowerShellRunner = spawnPowerShell) {}

  parsePosition(saved: unknown): WindowsPosition | undefined {
    if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return undefined;
    const position: WindowsPosition = {};
    for (const [log, value] of Object.entries(saved as Record<string, unknown>)) {
      const { recordId, time } = (value ?? {}) as { recordId?: unknown; time?: unknown };
      if (typeof recordId === 'number' && Number.isSafeInteger(recordId) && recordId >= 0 && typeof time === 'number' && Number.isFinite(time)) {
        position[log] = { recordId, time };
      }
    }
    return Object.keys(position).length ? position : undefined;
  }

  async read(from: WindowsPosition | undefined, options: ReadOptions): Promise<EventRead<WindowsPosition>> {
    const result = await this.powershell(buildWinEventScript(from, options), { timeoutMs: options.timeoutMs });
    if (result.kind !== 'exited') return { ok: false, reason: result.reason };
    if (result.exitCode !== 0) return { ok: false, reason: describeCommandFailure(result) };
    let logs: LogResult[];
    try {
      logs = parseScriptOutput(result.stdout);
    } catch (error) {
      return { ok: false, reason: `PowerShell did not print the expected JSON: ${(error as Error).message}` };
    }
    return applyLogResults(from, logs, options.limit);
  }
}

/** What the script prints per log. */
export interface LogResult {
  log: string;
  /** RecordId of the newest event of any level, or null when the log is empty. */
  newest: number | null;
  events: unknown;
  error: string | null;
}

/** The script sent to PowerShell; values in it are numbers and ISO times made here, never input. */
export function buildWinEventScript(from: WindowsPosition | undefined, options: ReadOptions): string {
  const calls = WINDOWS_LOGS.map((log) => {
    const saved = from?.[log];
    const after = saved?.recordId ?? 0;
    const start = saved ? saved.time - TIME_MARGIN_MS : options.now - FIRST_READ_LOOKBACK_MS;
    return `  (Read-VigilLog -Log '${log}' -After ${after} -Start ([DateTime]::Parse('${new Date(start).toISOString()}', [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]::RoundtripKind)) -Max ${options.limit})`;
  });
  return [
    "$ErrorActionPreference = 'Stop'",
    "$ProgressPreference = 'SilentlyContinue'",
    '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8',
    'function Read-VigilLog([string]$Log, [long]$After, [DateTime]$Start, [int]$Max) {',
    '  $result = [ordered]@{ log = $Log; newest = $null; events = @(); error = $null }',
    '  try { $result.newest = (Get-WinEvent -LogName $Log -MaxEvents 1).RecordId }',
    "  catch { if ($_.FullyQualifiedErrorId -notlike 'NoMatchingEventsFound*') { $result.error = $_.Exception.Message; return $result } }",
    '  try {',
    '    $result.events = @(Get-WinEvent -FilterHashtable @{ LogName = $Log; Level = 1, 2, 3; StartTime = $Start } -Oldest |',
    '      Where-Object { $_.RecordId -gt $After } |',
    '      Select-Object -First $Max -Property RecordId, Id, Level, ProviderName, LogName, TimeCreated, Message)',
    '  }',
    "  catch { if ($_.FullyQualifiedErrorId -notlike 'NoMatchingEventsFound*') { $result.error = $_.Exception.Message } }",
    '  $result',
    '}',
    '$out = @(',
    calls.join(',\n'),
    ')',
    'ConvertTo-Json -InputObject $out -Depth 5 -Compress',
    '',
  ].join('\n');
}

export function parseScriptOutput(stdout: string): LogResult[] {
  const value: unknown = JSON.parse(stdout.replace(/^\uFEFF/, '').trim());
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, i) => {
    if (typeof item !== 'object' || item === null || typeof (item as LogResult).log !== 'string') throw new Error(`item ${i} has no log name`);
    const { log, newest, events, error } = item as Record<string, unknown>;
    return {
      log: log as string,
      newest: typeof newest === 'number' ? newest : null,
      events,
      error: typeof error === 'string' && error ? error : null,
    };
  });
}

/** Pure: turns the per-log answers into entries and the next position. */
export function applyLogResults(from: WindowsPosition | undefined, results: LogResult[], limit: number): EventRead<WindowsPosition> {
  const position: WindowsPosition = { ...from };
  const entries: EventEntry[] = [];
  const logs: string[] = [];
  const failures: string[] = [];
  const notes: string[] = [];
  let resets = 0;
  for (const result of results) {
    const saved = from?.[result.log];
    if (result.error) {
      failures.push(`${result.log}: ${result.error}`);
      continue;
    }
    if (saved && result.newest !== null && result.newest < saved.recordId) {
      // RecordIds start again at 1 when a log is cleared; keep the time, forget the RecordId, and
      // read the log from there on the next read (this answer was filtered with the old RecordId).
      position[result.log] = { recordId: 0, time: saved.time };
      // Its counts are left out of this frame: nothing of it was read.
      notes.push(`the ${result.log} log was cleared (newest RecordId ${result.newest} is below the saved ${saved.recordId}); reading it again from the start`);
      resets++;
      continue;
    }
    const parsed = parseWinEvents(result.events, result.log);
    if (parsed.skipped) notes.push(`${result.log}: ${parsed.skipped} event(s) without a RecordId, time or known level were skipped`);
    const fresh = parsed.records
      .filter((r) => r.recordId > (saved?.recordId ?? 0))
      .sort((a, b) => a.recordId - b.recordId)
      .slice(0, limit);
    const last = fresh.at(-1);
    if (last) position[result.log] = { recordId: last.recordId, time: last.entry.ts };
    entries.push(...fresh.map((r) => r.entry));
    logs.push(result.log);
  }
  if (logs.length === 0 && resets === 0) return { ok: false, reason: failures.join('; ') || 'PowerShell returned no event log' };
  return { ok: true, entries, position: Object.keys(position).length ? position : undefined, logs, failures, notes };
}
