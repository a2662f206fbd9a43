import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../os/run-command.js';
import type { CommandRunner } from './journald.js';
import { entriesAfter } from './macos-boundary.js';
import { parseUnifiedLog, parseUnifiedTimestamp } from './macos-parser.js';
import { UnifiedLogSource } from './macos.js';

const fixture = (name: string) => readFileSync(join(fileURLToPath(new URL('./fixtures/', import.meta.url)), name), 'utf8');

describe('parseUnifiedLog (recorded `log --style ndjson`)', () => {
  // See fixtures/NOTES.md: Default, Info, Error and Debug lines of a real unified log.
  it('keeps the Error entry and leaves the other types out', () => {
    const parsed = parseUnifiedLog(fixture('macos-log-ndjson.jsonl'));
    expect(parsed.badLines).toBe(0);
    expect(parsed.entries).toHaveLength(1);
    const [error] = parsed.entries;
    expect(error!.micros).toBe(Date.parse('2025-06-24T11:44:49.382Z') * 1000 + 837);
    expect(error!.entry).toMatchObject({
      log: 'unified', level: 'warning', ts: Date.parse('2025-06-24T11:44:49.382Z'), source: 'com.apple.network',
      message: 'nw_socket_handle_socket_event [C3103.1.1:2] Socket SO_ERROR [61: Connection refused]',
    });
    expect(error!.entry.id).toMatch(/^[0-9a-f]{32}$/);
    // Stable: the same line read again has the same id.
    expect(parseUnifiedLog(fixture('macos-log-ndjson.jsonl')).entries[0]!.entry.id).toBe(error!.entry.id);
  });

  it('treats a fault as an error and skips cut-off lines', () => {
    const lines = fixture('macos-log-ndjson.jsonl').split('\n');
    const fault = lines[2]!.replace('"messageType":"Error"', '"messageType":"Fault"');
    const parsed = parseUnifiedLog([fault, lines[2]!.slice(0, 100)].join('\n'));
    expect(parsed.entries.map((e) => e.entry.level)).toEqual(['error']);
    expect(parsed.badLines).toBe(1);
  });

  it('reads timestamps with their offset to the microsecond', () => {
    expect(parseUnifiedTimestamp('2025-06-24 14:32:34.176682+0300')).toBe(Date.UTC(2025, 5, 24, 11, 32, 34) * 1000 + 176682);
    expect(parseUnifiedTimestamp('2025-06-24 14:32:34-0800')).toBe(Date.UTC(2025, 5, 24, 22, 32, 34) * 1000);
    expect(parseUnifiedTimestamp('not a time')).toBeUndefined();
  });
});

/** Constructed: unified-log lines at chosen times, shaped as recorded. */
const line = (timestamp: string, message: string, thread = 1) =>
  JSON.stringify({ messageType: 'Error', eventType: 'logEvent', subsystem: 'com.example', threadID: thread, processID: 7, timestamp, eventMessage: message, machTimestamp: message.length });

describe('macOS boundary dedupe', () => {
  const at = (s: string) => parseUnifiedLog(s).entries;
  const first = [line('2024-03-01 10:00:00.100000+0000', 'a'), line('2024-03-01 10:00:00.500000+0000', 'b'), line('2024-03-01 10:00:00.500000+0000', 'c', 2)].join('\n');

  it('drops what was read before when the same second comes back', () => {
    const one = entriesAfter(at(first), undefined, 100);
    expect(one.fresh.map((e) => e.entry.message)).toEqual(['a', 'b', 'c']);
    expect(one.position?.ids).toHaveLength(2);
    // `--start 10:00:00` returns the whole second again, plus what came since.
    const again = [first, line('2024-03-01 10:00:00.500000+0000', 'd', 3), line('2024-03-01 10:00:01.000000+0000', 'e')].join('\n');
    const two = entriesAfter(at(again), one.position, 100);
    expect(two.fresh.map((e) => e.entry.message)).toEqual(['d', 'e']);
    expect(two.position).toEqual({ micros: Date.UTC(2024, 2, 1, 10, 0, 1) * 1000, ids: [two.fresh[1]!.entry.id] });
  });

  it('cut by the limit inside one microsecond, continues with the rest of it', () => {
    const one = entriesAfter(at(first), undefined, 2);
    expect(one.fresh.map((e) => e.entry.message)).toEqual(['a', 'b']);
    const two = entriesAfter(at(first), one.position, 2);
    expect(two.fresh.map((e) => e.entry.message)).toEqual(['c']);
    expect(two.position?.ids).toHaveLength(2);
  });
});

describe('UnifiedLogSource', () => {
  const exited = (stdout: string, exitCode = 0): CommandResult => ({
    kind: 'exited', command: 'log', exitCode, signal: null, stdout, stderr: exitCode ? 'log: Could not open archive' : '', stdoutTruncated: false, durationMs: 1,
  });
  const runner = (result: CommandResult): CommandRunner & { calls: string[][] } => {
    const calls: string[][] = [];
    return Object.assign(async (_: string, args: readonly string[]) => (calls.push([...args]), result), { calls });
  };
  const NOW = Date.UTC(2024, 2, 1, 10, 0, 30);

  it('asks for errors and faults from the last timestamp, and skips the boundary repeats', async () => {
    const from = entriesAfter(parseUnifiedLog(first()).entries, undefined, 100).position;
    const run = runner(exited(`${first()}\n${line('2024-03-01 10:00:02.000000+0000', 'new')}\n`));
    const read = await new UnifiedLogSource(run).read(from, { limit: 100, timeoutMs: 1000, now: NOW });
    expect(run.calls[0]!.slice(0, 5)).toEqual(['show', '--style', 'ndjson', '--predicate', 'messageType == error OR messageType == fault']);
    expect(run.calls[0]![5]).toBe('--start');
    expect(run.calls[0]![6]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(read).toMatchObject({ ok: true, logs: ['unified'], entries: [{ message: 'new' }] });
  });

  it('moves past a quiet stretch, reads a long backlog in windows, and reports failures', async () => {
    const quiet = await new UnifiedLogSource(runner(exited(''))).read({ micros: (NOW - 60_000) * 1000, ids: [] }, { limit: 100, timeoutMs: 1000, now: NOW });
    expect(quiet).toMatchObject({ ok: true, entries: [], position: { micros: (NOW - 5000) * 1000, ids: [] } });
    const run = runner(exited(''));
    const behind = await new UnifiedLogSource(run).read({ micros: (NOW - 86_400_000) * 1000, ids: [] }, { limit: 100, timeoutMs: 1000, now: NOW });
    expect(run.calls[0]).toContain('--end');
    expect(behind).toMatchObject({ ok: true, position: { micros: (NOW - 86_400_000 + 30 * 60_000) * 1000 } });
    const failed = await new UnifiedLogSource(runner(exited('', 64))).read(undefined, { limit: 100, timeoutMs: 1000, now: NOW });
    expect(failed).toEqual({ ok: false, reason: 'log exited with code 64: log: Could not open archive' });
  });

  function first() {
    return [line('2024-03-01 10:00:00.100000+0000', 'a'), line('2024-03-01 10:00:00.500000+0000', 'b')].join('\n');
  }
});
