import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './reconnecting-socket.js';

describe('reconnectDelayMs', () => {
  it('doubles from one second up to 30 s, then jitters by ±25 %', () => {
    expect(reconnectDelayMs(0, () => 0.5)).toBe(1000);
    expect(reconnectDelayMs(0, () => 0)).toBe(750);
    expect(reconnectDelayMs(0, () => 1)).toBe(1250);
    expect(reconnectDelayMs(3, () => 0.5)).toBe(8000);
    expect(reconnectDelayMs(5, () => 0.5)).toBe(30_000);
    expect(reconnectDelayMs(20, () => 1)).toBe(37_500);
  });
});
