import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Frame } from '@vigil/shared';
import { silentLogger } from '../../log.js';
import { DiskSpool } from './disk-spool.js';
import { readProgress, writeProgress } from './progress-mark.js';

vi.mock('./progress-mark.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('./progress-mark.js')>();
  return { ...original, writeProgress: vi.fn(original.writeProgress) };
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const frame = (seq: number): Frame => ({ type: 'frame', seq, ts: 1_700_000_000_000 + seq, samples: [{ metric: 'cpu.usage_pct', value: seq }], sources: [] });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('DiskSpool progress mark', () => {
  it('rewrites the progress file once per batch of sends or acks, not once per frame', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'vigil-progress-')), 'spool');
    dirs.push(join(dir, '..'));
    const spool = DiskSpool.open({ dir, maxBytes: 1024 * 1024, logger: silentLogger() });
    for (let seq = 1; seq <= 100; seq++) spool.push(frame(seq));
    await nextTurn();
    const writes = vi.mocked(writeProgress);
    writes.mockClear();

    // One pump: a backlog batch goes out.
    for (const sent of spool.after(0, 100)) spool.sent(sent.seq);
    await nextTurn();
    expect(writes).toHaveBeenCalledTimes(1);
    expect(readProgress(dir)).toEqual({ ackedThrough: 0, sentThrough: 100 });

    // A burst of acks.
    for (let seq = 1; seq <= 50; seq++) spool.ack(seq);
    await nextTurn();
    expect(writes).toHaveBeenCalledTimes(2);
    expect(readProgress(dir)).toEqual({ ackedThrough: 50, sentThrough: 100 });

    // A change still pending when the spool closes is written by close().
    spool.ack(51);
    spool.close();
    expect(writes).toHaveBeenCalledTimes(3);
    expect(readProgress(dir).ackedThrough).toBe(51);
  });
});
