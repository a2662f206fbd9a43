/** Linux counts /proc/diskstats sectors in 512-byte units whatever the device's real sector size. */
const SECTOR_BYTES = 512;

export interface DiskCounters {
  device: string;
  readBytes: number;
  writeBytes: number;
}

/**
 * Parses /proc/diskstats: `major minor name reads merged sectors_read ms writes merged sectors_written ...`.
 * `include` decides which devices count, so partitions are not added on top of their disk.
 */
export function parseDiskstats(text: string, include: (device: string) => boolean): DiskCounters[] {
  const out: DiskCounters[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const device = fields[2]!;
    if (!include(device)) continue;
    const sectorsRead = Number(fields[5]);
    const sectorsWritten = Number(fields[9]);
    if (!Number.isFinite(sectorsRead) || !Number.isFinite(sectorsWritten)) continue;
    out.push({ device, readBytes: sectorsRead * SECTOR_BYTES, writeBytes: sectorsWritten * SECTOR_BYTES });
  }
  return out;
}
