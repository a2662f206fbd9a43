import { describe, expect, it } from 'vitest';
import { BacklogDrain, summarizeDrain, type DrainRecord } from './backlog-drain.js';
import { SimSpool } from './sim-spool.js';

const seqs = (frames: ReadonlyArray<{ seq: number }>): number[] => frames.map((f) => f.seq);

/** An agent's spool and its drain tracker, driven as SimAgent drives them. */
function outageOf(spool: SimSpool, at: number): { drain: BacklogDrain; produce: (n: number, at: number) => void; welcome: (lastSeq: number, at: number) => void; ack: (seq: number, at: number) => void } {
  const drain = new BacklogDrain(at, spool.size);
  return {
    drain,
    produce: (n, t) => {
      for (let i = 0; i < n; i++) {
        spool.push(t, '{}');
        drain.produced();
      }
    },
    welcome: (lastSeq, t) => {
      const { stored } = spool.welcome(lastSeq);
      drain.welcomed(t, stored, spool.size, spool.newestSeq, spool.oldestSeq);
    },
    ack: (seq, t) => {
      expect(spool.ack(seq)).not.toBeNull();
      drain.settled(t, spool.oldestSeq);
    },
  };
}

describe('BacklogDrain', () => {
  it('counts the frames spooled until the welcome, and drains when the last of them is acknowledged, live frames aside', () => {
    const spool = new SimSpool();
    spool.welcome(0);
    for (let i = 0; i < 3; i++) spool.push(0, '{}');
    spool.takeSendable();
    spool.ack(1);
    // Killed at t=1000 with 2 and 3 on the wire.
    const agent = outageOf(spool, 1000);
    spool.disconnect();
    agent.produce(5, 2000); // seqs 4..8
    expect(agent.drain.record).toMatchObject({ unackedAtOutage: 2, producedWhileDown: 5 });

    // The collector had stored 2; 3..8 are replayed.
    agent.welcome(2, 12_000);
    expect(seqs(spool.takeSendable())).toEqual([3, 4, 5, 6, 7, 8]);
    expect(agent.drain.record).toMatchObject({ storedBeforeWelcome: 1, replayed: 6, welcomedAt: 12_000, drainedAt: null });

    // A live frame after the welcome is not backlog: it neither counts nor holds up the drain.
    agent.produce(1, 12_100); // seq 9
    expect(agent.drain.record.producedWhileDown).toBe(5);
    for (const seq of [3, 4, 5, 6, 7]) agent.ack(seq, 12_200 + seq);
    expect(agent.drain.drained).toBe(false);
    agent.ack(8, 12_500);
    expect(agent.drain.record.drainedAt).toBe(12_500);
    expect(spool.size).toBe(1);
    // Later acks do not move it.
    agent.ack(9, 13_000);
    expect(agent.drain.record.drainedAt).toBe(12_500);
  });

  it('is drained at the welcome when the collector had stored everything the agent held', () => {
    const spool = new SimSpool();
    spool.welcome(0);
    spool.push(0, '{}');
    spool.takeSendable();
    const agent = outageOf(spool, 500);
    spool.disconnect();
    agent.welcome(1, 3000);
    expect(agent.drain.record).toMatchObject({ unackedAtOutage: 1, producedWhileDown: 0, storedBeforeWelcome: 1, replayed: 0, drainedAt: 3000 });
  });

  it('is not drained before any welcome, however many frames are acknowledged', () => {
    const drain = new BacklogDrain(0, 0);
    drain.produced();
    drain.settled(100, undefined);
    expect(drain.drained).toBe(false);
  });
});

function record(producedWhileDown: number, drainedAt: number | null, extra: Partial<DrainRecord> = {}): DrainRecord {
  return { unackedAtOutage: 1, producedWhileDown, storedBeforeWelcome: 0, replayed: producedWhileDown + 1, welcomedAt: drainedAt, drainedAt, ...extra };
}

describe('summarizeDrain', () => {
  it('times every drain from the kill, the last one also from the restart', () => {
    const summary = summarizeDrain([record(10, 15_000), record(12, 21_000, { storedBeforeWelcome: 1 }), record(11, 18_000)], 5_000, 14_000);
    expect(summary.backlogFrames).toEqual({ total: 33, p50: 11, max: 12 });
    expect(summary.unackedAtKill).toBe(3);
    expect(summary.storedBeforeWelcome).toBe(1);
    expect(summary.replayedFrames).toBe(36);
    expect(summary.drainedMs).toEqual({ p50: 13_000, p99: 16_000, max: 16_000 });
    expect(summary.allDrainedMs).toBe(16_000);
    expect(summary.allDrainedAfterListeningMs).toBe(7_000);
    expect(summary.notDrained).toBe(0);
  });

  it('gives no all-drained time while one agent has not drained, and counts it', () => {
    const summary = summarizeDrain([record(10, 15_000), record(10, null)], 5_000, 14_000);
    expect(summary.allDrainedMs).toBeNull();
    expect(summary.allDrainedAfterListeningMs).toBeNull();
    expect(summary.notDrained).toBe(1);
    expect(summary.drainedMs.max).toBe(10_000);
  });

  it('gives no all-drained time without agents', () => {
    expect(summarizeDrain([], 0, 0)).toMatchObject({ allDrainedMs: null, notDrained: 0, backlogFrames: { total: 0, p50: null, max: null } });
  });
});
