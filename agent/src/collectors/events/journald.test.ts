import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../os/run-command.js';
import { JournaldSource, cursorTime, type CommandRunner } from './journald.js';

const fixtureDir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (name: string) => readFileSync(join(fixtureDir, name), 'utf8');
const NOW = 1795460400000;
const options = { limit: 500, timeoutMs: 5000, now: NOW };

const exited = (stdout: string, exitCode = 0, stderr = '', stdoutTruncated = false): CommandResult => ({
  kind: 'exited', command: 'journalctl', exitCode, signal: null, stdout, stderr, stdoutTruncated, durationMs: 1,
});

/** Answers each call with the next prepared result and records the argument lists. */
function scripted(...results: CommandResult[]): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  const run = async (_name: string, args: readonly string[]) => {
    calls.push([...args]);
    const next = results.shift();
    if (!next) throw new Error('unexpected extra journalctl call');
    return next;
  };
  return Object.assign(run, { calls });
}

describe('JournaldSource', () => {
  it('starts an hour back on the first read, with a bounded, priority-filtered JSON query', async () => {
    const run = scripted(exited(fixture('journald-since.jsonl')));
    const read = await new JournaldSource(run).read(undefined, options);
    expect(run.calls).toEqual([['-o', 'json', '-p', 'warning', '--no-pager', '--lines', '500', '--since', `@${(NOW - 3600_000) / 1000}`]]);
    if (!read.ok) throw new Error(read.reason);
    expect(read.entries).toHaveLength(7);
    expect(read.logs).toEqual(['journal']);
    expect(read.position?.cursor).toMatch(/;i=15c;/);
  });

  it('resumes at the saved cursor and drops the cursor entry itself', async () => {
    const cursor = fixture('journald-resume.cursor').trim();
    const run = scripted(exited(fixture('journald-resume.jsonl')));
    const read = await new JournaldSource(run).read({ cursor }, options);
    expect(run.calls[0]).toEqual(['-o', 'json', '-p', 'warning', '--no-pager', '--lines', '501', '--cursor', cursor]);
    if (!read.ok) throw new Error(read.reason);
    expect(read.entries.map((e) => e.source)).toEqual(['vigil-test', 'bad-bytes', 'multi']);
    expect(read.entries.some((e) => e.id === cursor)).toBe(false);
    expect(read.position?.cursor).toMatch(/;i=15b;/);
    expect(read.notes).toEqual([]);
  });

  it('keeps the first entry and says so when the cursor entry was rotated away', async () => {
    const cursor = fixture('journald-stale.cursor').trim();
    const read = await new JournaldSource(scripted(exited(fixture('journald-stale.jsonl')))).read({ cursor }, options);
    if (!read.ok) throw new Error(read.reason);
    expect(read.entries.map((e) => e.source)).toEqual(['backup-agent', 'certcheck', 'vigil-test']);
    expect(read.notes.join()).toMatch(/no longer in the journal/);
  });

  it('stays at the cursor when nothing new was logged', async () => {
    const cursor = fixture('journald-since.jsonl').trim().split('\n').at(-1)!;
    const last = JSON.parse(cursor).__CURSOR as string;
    const read = await new JournaldSource(scripted(exited(`${cursor}\n`))).read({ cursor: last }, options);
    expect(read).toMatchObject({ ok: true, entries: [], position: { cursor: last } });
  });

  it('falls back to the time inside a rejected cursor, once, and says so', async () => {
    // A cursor journalctl cannot parse, but with a readable time in it.
    const cursor = 's=zz;i=zz;t=660f62ab9ca00;x=zz';
    const run = scripted(exited('', 1, fixture('journald-invalid-cursor.stderr')), exited(fixture('journald-stale.jsonl')));
    const read = await new JournaldSource(run).read({ cursor }, options);
    expect(run.calls[1]!.slice(-2)).toEqual(['--since', `@${Math.floor(0x660f62ab9ca00 / 1e6)}`]);
    if (!read.ok) throw new Error(read.reason);
    expect(read.notes[0]).toMatch(/rejected the saved cursor \(Failed to seek to cursor: Invalid argument\); resumed from 2026-/);
    expect(read.position?.cursor).toMatch(/;i=159;/);
  });

  it('falls back an hour when the rejected cursor holds no time, and never loops', async () => {
    const rejected = exited('', 1, fixture('journald-invalid-cursor.stderr'));
    const run = scripted(rejected, rejected);
    const read = await new JournaldSource(run).read({ cursor: 'garbage' }, options);
    expect(run.calls).toHaveLength(2);
    expect(run.calls[1]!.slice(-2)).toEqual(['--since', `@${(NOW - 3600_000) / 1000}`]);
    expect(read.ok).toBe(false);
  });

  it('reports a journal it may not read as unknown, not as zero entries', async () => {
    const read = await new JournaldSource(scripted(exited('', 1, fixture('journald-permission-denied.stderr')))).read(undefined, options);
    expect(read).toEqual({ ok: false, reason: expect.stringMatching(/cannot read the system journal \(No journal files were opened due to insufficient permissions\.\).*systemd-journal group/) });
    // The same when journalctl falls back to the user's own journal and says so on stderr.
    const hint = 'Hint: You are currently not seeing messages from other users and the system.\n      Users in groups \'adm\', \'systemd-journal\' can see all messages.\n';
    const partial = await new JournaldSource(scripted(exited(fixture('journald-since.jsonl'), 0, hint))).read(undefined, options);
    expect(partial.ok).toBe(false);
  });

  it('tells a host without any journal from a quiet one', async () => {
    // systemd 252 prints nothing for the query when there are no journal files, and says so for --disk-usage.
    const absent = scripted(exited(''), exited('Archived and active journals take up 0B in the file system.\n', 0, 'No journal files were found.\n'));
    const read = await new JournaldSource(absent).read(undefined, options);
    expect(absent.calls[1]).toEqual(['--disk-usage']);
    expect(read).toEqual({ ok: false, reason: expect.stringMatching(/^journalctl found no journal files/) });
    const quiet = scripted(exited(''), exited('Archived and active journals take up 8.0M in the file system.\n'));
    expect(await new JournaldSource(quiet).read(undefined, options)).toMatchObject({ ok: true, entries: [], position: undefined, logs: ['journal'] });
  });

  it('reports an unknown exit code and a missing tool with the reason', async () => {
    const odd = await new JournaldSource(scripted(exited('', 3, 'something unexpected\n'))).read(undefined, options);
    expect(odd).toEqual({ ok: false, reason: 'journalctl exited with code 3: something unexpected' });
    const missing = await new JournaldSource(scripted({ kind: 'not_found', command: 'journalctl', reason: 'journalctl was not found on PATH' })).read(undefined, options);
    expect(missing).toEqual({ ok: false, reason: 'journalctl was not found on PATH' });
  });

  it('continues from the last whole line when the output was cut off', async () => {
    const text = fixture('journald-since.jsonl');
    const cut = text.slice(0, text.indexOf('\n', text.indexOf('certcheck')) + 40);
    const read = await new JournaldSource(scripted(exited(cut, 0, '', true))).read(undefined, options);
    if (!read.ok) throw new Error(read.reason);
    expect(read.entries.map((e) => e.source)).toEqual(['kernel', 'backup-agent', 'certcheck']);
    expect(read.position?.cursor).toMatch(/;i=157;/);
    expect(read.notes).toEqual(['journalctl output was longer than read at once; the rest follows in the next frames']);
  });

  it('reads the time inside a cursor', () => {
    expect(cursorTime('s=1;i=2;b=3;m=4;t=61c33f69f4665;x=5')).toBe(Math.floor(0x61c33f69f4665 / 1000));
    expect(cursorTime('garbage')).toBeUndefined();
  });
});

describe('JournaldSource with a journalctl found on PATH', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the journalctl first on PATH, so a recorded stand-in can answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-journalctl-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'journalctl'), `#!/bin/sh\nprintf '%s\\n' "$*" > '${join(dir, 'args')}'\ncat '${join(fixtureDir, 'journald-since.jsonl')}'\n`);
    chmodSync(join(dir, 'journalctl'), 0o755);
    const source = new JournaldSource(undefined, { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}` });
    const read = await source.read(undefined, options);
    expect(read.ok && read.entries.length).toBe(7);
    expect(readFileSync(join(dir, 'args'), 'utf8')).toMatch(/^-o json -p warning --no-pager --lines 500 --since @\d+\n$/);
  });
});
