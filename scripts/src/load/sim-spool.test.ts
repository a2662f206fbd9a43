import { FrameSchema } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { AGENT_MAX_IN_FLIGHT, SimSpool, frameText } from './sim-spool.js';

const seqs = (frames: ReadonlyArray<{ seq: number }>): number[] => frames.map((f) => f.seq);

function produce(spool: SimSpool, count: number, at = 0): void {
  for (let i = 0; i < count; i++) spool.push(at + i, '{"ts":1,"samples":[]}');
}

describe('SimSpool', () => {
  it('holds frames produced before any welcome and sends none of them until welcomed', () => {
    const spool = new SimSpool();
    produce(spool, 3);
    expect(spool.takeSendable()).toEqual([]);
    expect(spool.size).toBe(3);
    spool.welcome(0);
    expect(seqs(spool.takeSendable())).toEqual([1, 2, 3]);
    expect(spool.takeSendable()).toEqual([]);
  });

  it('keeps counting seqs while disconnected and, at the welcome, drops what the collector stored and replays the rest in order', () => {
    const spool = new SimSpool();
    spool.welcome(0);
    produce(spool, 4);
    expect(seqs(spool.takeSendable())).toEqual([1, 2, 3, 4]);
    spool.ack(1);
    // The collector dies: 2..4 were on the wire, their fate unknown; 5..7 are produced while it is down.
    spool.disconnect();
    produce(spool, 3);
    expect(spool.takeSendable()).toEqual([]);
    expect(spool.newestSeq).toBe(7);

    // The restarted collector had stored 2 and 3 before it died.
    expect(spool.welcome(3)).toEqual({ stored: 2, renumbered: 0 });
    const replay = spool.takeSendable();
    expect(seqs(replay)).toEqual([4, 5, 6, 7]);
    // 4 went out before the outage too; 5..7 for the first time.
    expect(replay.map((f) => f.sends)).toEqual([2, 1, 1, 1]);
    expect(spool.size).toBe(4);
  });

  it('keeps at most the real agent\'s window unacknowledged, each ack letting the next frame out', () => {
    const spool = new SimSpool();
    produce(spool, AGENT_MAX_IN_FLIGHT + 10);
    spool.welcome(0);
    const first = spool.takeSendable();
    expect(first).toHaveLength(AGENT_MAX_IN_FLIGHT);
    expect(first[first.length - 1]!.seq).toBe(AGENT_MAX_IN_FLIGHT);
    expect(spool.unacknowledgedOnWire).toBe(AGENT_MAX_IN_FLIGHT);
    expect(spool.takeSendable()).toEqual([]);

    spool.ack(1);
    expect(seqs(spool.takeSendable())).toEqual([AGENT_MAX_IN_FLIGHT + 1]);
    spool.ack(2);
    spool.ack(3);
    expect(seqs(spool.takeSendable())).toEqual([AGENT_MAX_IN_FLIGHT + 2, AGENT_MAX_IN_FLIGHT + 3]);
  });

  it('returns the acknowledged frame once, and null for a seq acknowledged before or never sent', () => {
    const spool = new SimSpool(4);
    spool.welcome(0);
    produce(spool, 3, 100);
    spool.takeSendable();
    expect(spool.ack(2)?.producedAt).toBe(101);
    expect(spool.ack(2)).toBeNull();
    expect(spool.ack(9)).toBeNull();
    expect(seqs(spool.held())).toEqual([1, 3]);
    expect(spool.oldestSeq).toBe(1);
  });

  it('moves its frames above the collector\'s lastSeq when the collector is ahead of its counter', () => {
    const spool = new SimSpool();
    produce(spool, 2);
    expect(spool.welcome(10)).toEqual({ stored: 0, renumbered: 2 });
    expect(seqs(spool.takeSendable())).toEqual([11, 12]);
    expect(spool.push(0, '{}').seq).toBe(13);
  });

  it('stays consistent over many frames acknowledged in order', () => {
    const spool = new SimSpool();
    spool.welcome(0);
    for (let seq = 1; seq <= 5000; seq++) {
      spool.push(seq, '{}');
      spool.takeSendable();
      if (seq > 10) expect(spool.ack(seq - 10)?.seq).toBe(seq - 10);
    }
    expect(spool.size).toBe(10);
    expect(spool.oldestSeq).toBe(4991);
  });
});

describe('frameText', () => {
  it('puts type and seq ahead of the stored body, giving a frame the protocol accepts', () => {
    const text = frameText({ seq: 42, producedAt: 0, body: JSON.stringify({ ts: 1_700_000_000_000, samples: [{ metric: 'cpu.usage_pct', value: 5 }] }), sends: 0 });
    const frame = FrameSchema.parse(JSON.parse(text));
    expect(frame).toMatchObject({ type: 'frame', seq: 42, ts: 1_700_000_000_000, samples: [{ metric: 'cpu.usage_pct', value: 5 }] });
  });
});
