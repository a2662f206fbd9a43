import { describe, expect, it } from 'vitest';
import { availability } from './availability.js';

const H = 3_600_000;

describe('availability', () => {
  it('starts from the state before the period and counts each change at its instant', () => {
    const history = { changes: [{ online: true, at: -5 * H }, { online: false, at: 2 * H }, { online: true, at: 3 * H }], revokedAt: null };
    expect(availability(history, 0, 10 * H)).toEqual({ onlineMs: 9 * H, monitoredMs: 10 * H });
  });

  it('does not monitor time before the first connection or after revocation', () => {
    const history = { changes: [{ online: true, at: 4 * H }, { online: false, at: 6 * H }], revokedAt: 8 * H };
    expect(availability(history, 0, 10 * H)).toEqual({ onlineMs: 2 * H, monitoredMs: 4 * H });
  });

  it('ignores changes after the period and an agent never seen', () => {
    expect(availability({ changes: [{ online: true, at: 0 }, { online: false, at: 20 * H }], revokedAt: null }, 0, 10 * H)).toEqual({ onlineMs: 10 * H, monitoredMs: 10 * H });
    expect(availability({ changes: [], revokedAt: null }, 0, 10 * H)).toEqual({ onlineMs: 0, monitoredMs: 0 });
  });
});
