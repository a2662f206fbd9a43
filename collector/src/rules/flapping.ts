/**
 * Flap detection as Nagios does it: the last FLAP_WINDOW evaluated states of a series (the
 * condition held or not), the percentage of state changes among them with recent changes
 * weighing more, and hysteresis between a high and a low threshold so the flag itself is calm.
 *
 * The history is a bit field, newest state in bit 0, so that keeping it for every watched series
 * costs one number. A series with no history is taken as quiet for the whole window: that is what
 * lets the engine forget a series once its window holds nothing but quiet states, losing nothing.
 */
export const FLAP_WINDOW = 21;

const MASK = (1 << FLAP_WINDOW) - 1;
const CHANGES = FLAP_WINDOW - 1;
/** Weight of the change between bit k and bit k+1: 1.2 for the newest pair down to 0.8 for the oldest. */
const WEIGHTS = Array.from({ length: CHANGES }, (_, k) => 0.8 + (0.4 * (CHANGES - 1 - k)) / (CHANGES - 1));

/** The history after one more evaluated state. */
export function recordState(history: number, held: boolean): number {
  return ((history << 1) | (held ? 1 : 0)) & MASK;
}

/** Weighted percentage (0–100) of state changes in the window; every state alternating is 100. */
export function percentStateChange(history: number): number {
  let changes = (history ^ (history >>> 1)) & (MASK >>> 1);
  let weighted = 0;
  for (let k = 0; changes !== 0; k += 1, changes >>>= 1) {
    if (changes & 1) weighted += WEIGHTS[k]!;
  }
  return (weighted * 100) / CHANGES;
}

/** Starts above `high`, stops below `low`, and otherwise stays as it was. */
export function nextFlapping(flapping: boolean, percent: number, high: number, low: number): boolean {
  if (!flapping) return percent > high;
  return !(percent < low);
}

/**
 * The history a series restored as flapping starts from (at startup the real one is gone): every
 * state alternating, the newest one held (the alert is open), so that it calms down by the same
 * rule as if the history had been kept, rather than stopping at once and notifying again.
 */
export const FLAPPING_HISTORY = 0x155555;
