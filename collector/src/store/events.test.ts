import type { EventEntry, Frame } from '@vigil/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, seedAgent } from '../testing/temp-store.js';

const entry = (id: string, extra: Partial<EventEntry> = {}): EventEntry => ({ id, log: 'journal', level: 'error', ts: 1000, message: `m ${id}`, ...extra });
const frame = (seq: number): Frame => ({ type: 'frame', seq, ts: seq * 1000, samples: [{ metric: 'cpu.usage_pct', value: seq }], sources: [] });

describe('EventStore (real SQLite file)', () => {
  let temp: ReturnType<typeof openTempStore>;
  beforeEach(() => { temp = openTempStore(); seedAgent(temp.store, 'agt_a'); seedAgent(temp.store, 'agt_b'); });
  afterEach(() => temp.cleanup());

  it('stores an entry read again after an agent restart once, in a new frame or the same', () => {
    const t = temp.store.telemetry;
    t.writeBatch([{ agentId: 'agt_a', frame: frame(1), receivedAt: 5, events: [entry('c1'), entry('c2')] }]);
    // The agent crashed before the ack: it reads c2 again and sends it with c3 in a later frame.
    t.writeBatch([{ agentId: 'agt_a', frame: frame(2), receivedAt: 6, events: [entry('c2'), entry('c3', { level: 'warning', ts: 2000 })] }]);
    // A resent frame is a no-op as a whole.
    expect(t.writeBatch([{ agentId: 'agt_a', frame: frame(2), receivedAt: 7, events: [entry('c2'), entry('c3')] }])).toEqual([false]);
    const stored = temp.store.events.query('agt_a', {});
    expect(stored.map((e) => [e.id, e.seq])).toEqual([['c1', 1], ['c2', 1], ['c3', 2]]);
    expect(stored[2]).toEqual({ id: 'c3', log: 'journal', level: 'warning', ts: 2000, message: 'm c3', seq: 2, receivedAt: 6 });
    // The same id in another log, or of another agent, is another entry.
    t.writeBatch([{ agentId: 'agt_a', frame: frame(3), receivedAt: 8, events: [entry('c1', { log: 'System', source: 'EventLog', eventId: '6008' })] }]);
    t.writeBatch([{ agentId: 'agt_b', frame: frame(1), receivedAt: 8, events: [entry('c1')] }]);
    expect(temp.store.events.query('agt_a', {})).toHaveLength(4);
    expect(temp.store.events.query('agt_b', {})).toHaveLength(1);
  });

  it('filters by log, level and time, and limits', () => {
    temp.store.telemetry.writeBatch([{ agentId: 'agt_a', frame: frame(1), receivedAt: 1, events: [
      entry('a', { ts: 1 }), entry('b', { ts: 2, level: 'warning' }), entry('c', { ts: 3, log: 'System', source: 'Disk', eventId: '7' }), entry('d', { ts: 4 }),
    ] }]);
    const q = (query: Parameters<typeof temp.store.events.query>[1]) => temp.store.events.query('agt_a', query).map((e) => e.id);
    expect(q({ log: 'journal' })).toEqual(['a', 'b', 'd']);
    expect(q({ level: 'warning' })).toEqual(['b']);
    expect(q({ since: 2, until: 3 })).toEqual(['b', 'c']);
    expect(q({ limit: 2 })).toEqual(['a', 'b']);
    expect(temp.store.events.query('agt_a', { log: 'System' })[0]).toMatchObject({ source: 'Disk', eventId: '7' });
  });

  it('rolls entries back with their frame when the batch fails', () => {
    expect(() => temp.store.telemetry.writeBatch([
      { agentId: 'agt_a', frame: frame(1), receivedAt: 1, events: [entry('x')] },
      { agentId: 'agt_a', frame: { ...frame(2), seq: null as unknown as number }, receivedAt: 1 },
    ])).toThrow();
    expect(temp.store.events.query('agt_a', {})).toEqual([]);
  });

  it('keeps the entries across a reopen (migration 2 applied once)', () => {
    temp.store.telemetry.writeBatch([{ agentId: 'agt_a', frame: frame(1), receivedAt: 1, events: [entry('x')] }]);
    const reopened = temp.reopen();
    expect(reopened.db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(2);
    expect(reopened.events.query('agt_a', {}).map((e) => e.id)).toEqual(['x']);
  });
});
