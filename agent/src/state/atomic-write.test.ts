import { fsyncSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger, type Logger } from '../log.js';
import { writeFileAtomicSync } from './atomic-write.js';
import { removeIfExists } from './remove-if-exists.js';

vi.mock('node:fs', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs')>();
  return { ...original, fsyncSync: vi.fn(original.fsyncSync) };
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-atomic-'));
  dirs.push(dir);
  return dir;
};

describe('writeFileAtomicSync', () => {
  it('replaces a file whole, and with fsync forces the content and the rename to disk', () => {
    const dir = tempDir();
    const file = join(dir, 'meta.json');
    writeFileSync(file, 'old');
    const fsyncs = vi.mocked(fsyncSync);

    fsyncs.mockClear();
    writeFileAtomicSync(file, 'plain');
    expect(readFileSync(file, 'utf8')).toBe('plain');
    expect(fsyncs).not.toHaveBeenCalled();

    writeFileAtomicSync(file, Buffer.from('durable'), 0o600, { fsync: true });
    expect(readFileSync(file, 'utf8')).toBe('durable');
    // The file, then its directory (Windows cannot fsync a directory and skips that one).
    expect(fsyncs).toHaveBeenCalledTimes(process.platform === 'win32' ? 1 : 2);
    expect(readdirSync(dir)).toEqual(['meta.json']); // no temporary file left behind
    writeFileAtomicSync(join(dir, 'key'), 'secret', 0o600, { fsync: true });
    if (process.platform !== 'win32') expect(statSync(join(dir, 'key')).mode & 0o777).toBe(0o600);
  });
});

describe('removeIfExists', () => {
  it('deletes a file, accepts one already gone, and reports other failures without throwing', () => {
    const dir = tempDir();
    const file = join(dir, 'segment');
    writeFileSync(file, 'x');
    removeIfExists(file);
    expect(readdirSync(dir)).toEqual([]);
    const warnings: string[] = [];
    const logger = silentLogger();
    logger.warn = ((...args: unknown[]) => warnings.push(String(args.find((a) => typeof a === 'string')))) as Logger['warn'];
    removeIfExists(file, logger);
    expect(warnings).toEqual([]);
    mkdirSync(join(dir, 'a-directory'));
    expect(() => removeIfExists(join(dir, 'a-directory'), logger)).not.toThrow();
    expect(warnings).toEqual(['cannot delete a file']);
  });
});
