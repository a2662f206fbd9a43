import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileEventCursorStore, eventCursorFile } from './event-cursor-store.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cursors-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('FileEventCursorStore', () => {
  it('keeps each source position across restarts, in one owner-only file', () => {
    const dir = tempDir();
    const store = new FileEventCursorStore(dir);
    expect(store.load('journald')).toBeUndefined();
    store.save('journald', { cursor: 's=1;i=2' });
    store.save('windows', { System: { recordId: 7, time: 1 } });
    store.save('journald', { cursor: 's=1;i=3' });
    const again = new FileEventCursorStore(dir);
    expect(again.load('journald')).toEqual({ cursor: 's=1;i=3' });
    expect(again.load('windows')).toEqual({ System: { recordId: 7, time: 1 } });
    expect(again.problem).toBeUndefined();
    expect(statSync(eventCursorFile(dir)).mode & 0o777).toBe(0o600);
    // Written by rename: no temporary file is left behind.
    expect(readdirSync(dir)).toEqual(['event-cursors.json']);
  });

  it('starts afresh, saying why, from a damaged file, and repairs it on the next save', () => {
    const dir = tempDir();
    writeFileSync(eventCursorFile(dir), '{"journald": {"cur');
    const store = new FileEventCursorStore(dir);
    expect(store.load('journald')).toBeUndefined();
    expect(store.problem).toMatch(/not a JSON object; event logs are read afresh/);
    store.save('journald', { cursor: 'c' });
    expect(JSON.parse(readFileSync(eventCursorFile(dir), 'utf8'))).toEqual({ journald: { cursor: 'c' } });
  });
});
