import type { EventEntry } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { MemoryEventCursorStore } from '../../state/event-cursor-store.js';
import { EventsCollector } from './events-collector.js';
import type { EventRead, EventSource, ReadOptions } from './types.js';

/** A log held in memory; the position is the number of entries read. */
class FakeLog implements EventSource<{ n: number }> {
  readonly name = 'fake';
  readonly log: EventEntry[] = [];
  readonly readsFrom: Array<number | undefined> = [];
  failNext: string | undefined;

  append(count: number, level: EventEntry['level'] = 'error'): void {
    for (let i = 0; i < count; i++) {
      const n = this.log.length + 1;
      this.log.push({ id: `e${n}`, log: 'journal', level, ts: n, message: `entry ${n}` });
    }
  }

  parsePosition(saved: unknown) {
    const n = (saved as { n?: unknown } | undefined)?.n;
    return typeof n === 'number' ? { n } : undefined;
  }

  async read(from: { n: number } | undefined, options: ReadOptions): Promise<EventRead<{ n: number }>> {
    this.readsFrom.push(from?.n);
    if (this.failNext) {
      const reason = this.failNext;
      this.failNext = undefined;
      return { ok: false, reason };
    }
    const start = from?.n ?? 0;
    const entries = this.log.slice(start, start + options.limit);
    return { ok: true, entries, position: { n: start + entries.length }, logs: ['journal'], failures: [], notes: [] };
  }
}

const sectionIds = (output: { sections?: Record<string, unknown> }) =>
  ((output.sections?.events as { entries: EventEntry[] } | undefined)?.entries ?? []).map((e) => e.id);

describe('EventsCollector: read position vs saved cursor', () => {
  it('moves the read position at once and the saved cursor only on delivery', async () => {
    const log = new FakeLog();
    const cursors = new MemoryEventCursorStore();
    const collector = new EventsCollector(log, cursors);
    log.append(2);
    const first = await collector.collect();
    expect(sectionIds(first)).toEqual(['e1', 'e2']);
    // The frame is not acknowledged yet: the next frame does not read e1, e2 again ...
    log.append(1);
    const second = await collector.collect();
    expect(sectionIds(second)).toEqual(['e3']);
    expect(log.readsFrom).toEqual([undefined, 2]);
    // ... and nothing is saved until the collector acknowledges a frame.
    expect(cursors.load('fake')).toBeUndefined();
    first.onDelivered!();
    expect(cursors.load('fake')).toEqual({ n: 2 });
    second.onDelivered!();
    expect(cursors.load('fake')).toEqual({ n: 3 });
  });

  it('never moves the saved cursor back when an older frame is acknowledged late', async () => {
    const log = new FakeLog();
    const cursors = new MemoryEventCursorStore();
    const collector = new EventsCollector(log, cursors);
    log.append(1);
    const first = await collector.collect();
    log.append(1);
    const second = await collector.collect();
    second.onDelivered!();
    first.onDelivered!();
    expect(cursors.load('fake')).toEqual({ n: 2 });
  });

  it('after a restart resumes from the saved cursor: unacknowledged entries are read again, none skipped', async () => {
    const log = new FakeLog();
    const cursors = new MemoryEventCursorStore();
    const before = new EventsCollector(log, cursors);
    log.append(3);
    const delivered = await before.collect();
    delivered.onDelivered!();
    log.append(2);
    await before.collect(); // e4, e5 sent, but the process dies before the acknowledgement
    const after = new EventsCollector(log, cursors);
    expect(sectionIds(await after.collect())).toEqual(['e4', 'e5']);
  });

  it('counts every entry read per log but carries at most the cap, errors first', async () => {
    const log = new FakeLog();
    const collector = new EventsCollector(log, new MemoryEventCursorStore(), { maxEntries: 3 });
    log.append(4, 'warning');
    log.append(2, 'error');
    const output = await collector.collect();
    expect(output.samples).toEqual([
      { metric: 'event.errors', value: 2, labels: { log: 'journal' } },
      { metric: 'event.warnings', value: 4, labels: { log: 'journal' } },
    ]);
    expect(sectionIds(output)).toEqual(['e1', 'e5', 'e6']);
    expect((output.sections?.events as { cut: number }).cut).toBe(3);
    expect(output.reason).toMatch(/3 entries over the per-frame limit of 3/);
  });

  it('reports true zeros for a quiet log, and no section and no cursor write', async () => {
    const log = new FakeLog();
    const cursors = new MemoryEventCursorStore();
    cursors.save('fake', { n: 0 });
    const output = await new EventsCollector(log, cursors).collect();
    expect(output.samples.map((s) => s.value)).toEqual([0, 0]);
    expect(output.sections).toBeUndefined();
    expect(output.onDelivered).toBeUndefined();
  });

  it('reports a failed read as unknown with no samples, and does not move', async () => {
    const log = new FakeLog();
    log.append(1);
    const collector = new EventsCollector(log, new MemoryEventCursorStore());
    log.failNext = 'journalctl was not found on PATH';
    expect(await collector.collect()).toEqual({ samples: [], status: 'unknown', reason: 'journalctl was not found on PATH' });
    expect(sectionIds(await collector.collect())).toEqual(['e1']);
  });

  it('ignores a saved position it cannot use, and says so once', async () => {
    const log = new FakeLog();
    log.append(1);
    const cursors = new MemoryEventCursorStore();
    cursors.save('fake', 'garbage');
    const collector = new EventsCollector(log, cursors);
    const first = await collector.collect();
    expect(first.reason).toMatch(/saved fake position was not usable/);
    expect(sectionIds(first)).toEqual(['e1']);
    expect((await collector.collect()).reason).toBeUndefined();
  });
});
