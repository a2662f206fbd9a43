/**
 * Size of a value as it travels: the UTF-8 bytes of its JSON. The message limit counts bytes, and
 * a string's `.length` counts UTF-16 code units, so CJK text takes three bytes per unit and emoji
 * two; measuring `.length` would let such a frame past the check and over the limit on the wire.
 */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * How many of `items`, from the first, fit in `room` bytes when they become a JSON array that the
 * enclosing value already counts as `[]`: each item adds its own bytes, and each after the first
 * a comma.
 */
export function countFitting(items: readonly unknown[], room: number): number {
  let used = 0;
  for (let i = 0; i < items.length; i++) {
    used += jsonBytes(items[i]) + (i > 0 ? 1 : 0);
    if (used > room) return i;
  }
  return items.length;
}
