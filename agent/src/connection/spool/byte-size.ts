/** 256 MB: at one frame a minute, 72 h is 4,320 frames, so each may take 60 KB; frames are a few KB. */
export const DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024;
/** Below this a spool holds only a handful of frames. */
export const MIN_SPOOL_MAX_BYTES = 16 * 1024;

const UNITS: Record<string, number> = { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3, tb: 1024 ** 4, tib: 1024 ** 4 };

/** Parses sizes such as 256MB, 64KB, 1.5GB or 20000 (bytes). Units are binary: 1KB = 1024 bytes. */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const multiplier = match ? UNITS[(match[2] || 'b').toLowerCase()] : undefined;
  if (!match || multiplier === undefined) throw new Error(`invalid size "${text}": use a number with B, KB, MB, GB or TB, e.g. 256MB`);
  const bytes = Math.floor(Number(match[1]) * multiplier);
  if (!Number.isSafeInteger(bytes)) throw new Error(`invalid size "${text}": too large`);
  return bytes;
}

/** 268435456 → "256 MB"; one decimal below 10 of a unit. */
export function formatByteSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || value >= 10 || Number.isInteger(value) ? Math.round(value).toString() : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}
