import { describe, expect, it } from 'vitest';
import { ackExpiresAt, lapsedAcknowledgements } from './ack-expiry.js';

const T = 1_700_000_000_000;

describe('lapsedAcknowledgements', () => {
  it('returns the acknowledged alerts expired at or before now, each at its own expiry instant, soonest first', () => {
    const alerts = [
      { id: 'late', state: 'acknowledged' as const, ackExpiresAt: T },
      { id: 'early', state: 'acknowledged' as const, ackExpiresAt: T - 5_000 },
      { id: 'future', state: 'acknowledged' as const, ackExpiresAt: T + 1 },
      { id: 'sticky', state: 'acknowledged' as const, ackExpiresAt: null },
      { id: 'resolved', state: 'resolved' as const, ackExpiresAt: T - 10_000 },
      { id: 'open', state: 'open' as const, ackExpiresAt: T - 10_000 },
    ];
    expect(lapsedAcknowledgements(alerts, T)).toEqual([{ id: 'early', at: T - 5_000 }, { id: 'late', at: T }]);
    expect(lapsedAcknowledgements(alerts, T - 1)).toEqual([{ id: 'early', at: T - 5_000 }]);
  });
});

describe('ackExpiresAt', () => {
  it('is now plus the duration, or null for an acknowledgement that lasts until resolved', () => {
    expect(ackExpiresAt(T, 2 * 3_600_000)).toBe(T + 7_200_000);
    expect(ackExpiresAt(T, null)).toBeNull();
  });
});
