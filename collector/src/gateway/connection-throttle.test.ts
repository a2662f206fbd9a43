import { describe, expect, it } from 'vitest';
import { ConnectionThrottle, DEFAULT_RATE_LIMITS, type RateLimits, type ThrottleDecision } from './connection-throttle.js';

/**
 * Replays a sender against the throttle on a virtual clock, the way the gateway applies it: a
 * pause holds back what is sent meanwhile, and what was waiting when reading resumes is read in
 * 64 KiB reads (a pause decided halfway through a read does not stop that read).
 * `sendTimeOf(i, readTimes)` gives message i's send time from the read times of earlier ones
 * (an agent paced by acks sends a frame when an earlier one is acknowledged).
 */
function replay(
  limits: RateLimits,
  count: number,
  bytes: number,
  sendTimeOf: (i: number, readTimes: number[]) => number,
): { readTimes: number[]; closedAt: number | null; reason: string | null } {
  const throttle = new ConnectionThrottle(limits, 0);
  const readTimes: number[] = [];
  let resumeAt = 0;
  let lastReadAt = Number.NEGATIVE_INFINITY;
  let bytesInRead = 0;
  for (let i = 0; i < count; i++) {
    const sentAt = sendTimeOf(i, readTimes);
    const sameRead = sentAt <= lastReadAt && bytesInRead + bytes <= READ_BYTES;
    const readAt = sameRead ? lastReadAt : Math.max(sentAt, resumeAt, lastReadAt);
    bytesInRead = sameRead ? bytesInRead + bytes : bytes;
    lastReadAt = readAt;
    readTimes.push(readAt);
    const decision: ThrottleDecision = throttle.admit(bytes, readAt);
    if (decision.action === 'close') return { readTimes, closedAt: i, reason: decision.reason };
    if (decision.action === 'pause') resumeAt = readAt + decision.ms;
  }
  return { readTimes, closedAt: null, reason: null };
}

const ACK_MS = 2;
/** What one socket read delivers at most (Node reads 64 KiB at a time). */
const READ_BYTES = 64 * 1024;
/** The real agent: 64 frames unacknowledged at most, the next one sent when an ack returns. */
const ackPaced = (i: number, readTimes: number[]): number => (i < 64 ? 0 : readTimes[i - 64]! + ACK_MS);

describe('ConnectionThrottle', () => {
  it('lets a normal agent through untouched', () => {
    const throttle = new ConnectionThrottle(DEFAULT_RATE_LIMITS, 0);
    for (let t = 0; t < 600_000; t += 1000) expect(throttle.admit(4000, t)).toEqual({ action: 'pass' });
  });

  it('paces a 4,320-frame backlog replay instead of closing it, and finishes it within seconds', () => {
    const { readTimes, closedAt } = replay(DEFAULT_RATE_LIMITS, 4320, 3000, ackPaced);
    expect(closedAt).toBeNull();
    const lastReadMs = readTimes.at(-1)!;
    // Paced at 200 frames/s after a burst of 400: (4320 - 400) / 200 ≈ 19.6 s.
    expect(lastReadMs).toBeGreaterThan(19_000);
    expect(lastReadMs).toBeLessThan(21_000);
  });

  it('paces large frames by bytes without closing', () => {
    const { readTimes, closedAt } = replay(DEFAULT_RATE_LIMITS, 500, 256 * 1024, ackPaced);
    expect(closedAt).toBeNull();
    // 125 MiB at 2 MiB/s after an 8 MiB burst.
    expect(readTimes.at(-1)! / 1000).toBeCloseTo((500 * 0.25 - 8) / 2, 0);
  });

  it('paces a sender that ignores acks but is held back by the paused socket', () => {
    const { closedAt, readTimes } = replay(DEFAULT_RATE_LIMITS, 3000, 200, (i) => i * 2.5);
    expect(closedAt).toBeNull();
    // It sent for 7.5 s; held to 200/s after the burst, the last one is read ~13 s in.
    expect(readTimes.at(-1)!).toBeGreaterThan(12_500);
  });

  it('closes a flood that arrives all at once, naming the limit', () => {
    // One 64 KiB read of the smallest valid message (a heartbeat, 44 bytes on the wire) is ~1,500 of them.
    const { closedAt, reason } = replay(DEFAULT_RATE_LIMITS, 1500, 44, () => 0);
    // The burst and two seconds' worth of overdraft, then the next one is refused.
    expect(closedAt).toBe(400 + 400);
    expect(reason).toBe('rate limit: kept sending past 200 messages/s while asked to slow down');
  });

  it('closes a byte flood', () => {
    const limits = { ...DEFAULT_RATE_LIMITS, bytesPerSec: 1024, byteBurst: 1024, closeAfterOverdraftMs: 1000 };
    const { closedAt, reason } = replay(limits, 10, 1024, () => 0);
    expect(closedAt).toBe(2);
    expect(reason).toBe('rate limit: kept sending past 1 KiB/s while asked to slow down');
  });
});
