import { describe, expect, it } from 'vitest';
import { continuesAlert } from './continuation.js';

const M = 60_000;
const resolvedAt = 1_700_000_000_000;
const resolved = { state: 'resolved' as const, resolvedAt };

describe('continuesAlert', () => {
  it('continues an alert resolved no longer than the window before the breach began', () => {
    expect(continuesAlert(resolved, resolvedAt + 15 * M, 15 * M)).toBe(true);
    expect(continuesAlert(resolved, resolvedAt + 1, 15 * M)).toBe(true);
  });

  it('opens a new alert once the window has passed', () => {
    expect(continuesAlert(resolved, resolvedAt + 15 * M + 1, 15 * M)).toBe(false);
  });

  it('never continues with a window of 0, without a last alert, or one not resolved', () => {
    expect(continuesAlert(resolved, resolvedAt, 0)).toBe(false);
    expect(continuesAlert(undefined, resolvedAt, 15 * M)).toBe(false);
    expect(continuesAlert({ state: 'open', resolvedAt: null }, resolvedAt, 15 * M)).toBe(false);
  });
});
