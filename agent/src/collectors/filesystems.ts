/** One row of systeminformation's fsSize(). */
export interface FsEntry {
  fs: string;
  type: string;
  size: number;
  used: number;
  available: number;
  mount: string;
}

export interface FsUsage {
  mount: string;
  usedPct: number;
  freeBytes: number;
}

/** Filesystems that hold no user data, or whose fullness is by design (read-only images). */
const IGNORED_TYPES = new Set([
  'autofs', 'binfmt_misc', 'bpf', 'cgroup', 'cgroup2', 'configfs', 'debugfs', 'devfs', 'devpts', 'devtmpfs',
  'efivarfs', 'fusectl', 'fuse.lxcfs', 'fuse.snapfuse', 'fuse.gvfsd-fuse', 'fuse.portal', 'hugetlbfs', 'iso9660',
  'mqueue', 'nsfs', 'overlay', 'overlayfs', 'proc', 'pstore', 'ramfs', 'rpc_pipefs', 'securityfs', 'squashfs',
  'sysfs', 'tmpfs', 'tracefs', 'udf', 'cramfs', 'nullfs',
]);

/** macOS mounts system-managed volumes under /System/Volumes; only Data holds user files. */
function isMacSystemVolume(mount: string): boolean {
  return mount.startsWith('/System/Volumes/') && mount !== '/System/Volumes/Data';
}

export function isMonitoredFilesystem(entry: FsEntry): boolean {
  const type = entry.type.toLowerCase();
  // Inside a container the root filesystem is an overlay, and it is the one that fills up.
  if ((type === 'overlay' || type === 'overlayfs') && entry.mount === '/') return true;
  if (IGNORED_TYPES.has(type)) return false;
  if (entry.mount === '' || entry.mount === '/dev' || entry.mount.startsWith('/snap/')) return false;
  if (isMacSystemVolume(entry.mount)) return false;
  return entry.used + entry.available > 0;
}

/**
 * Usage per mount, df-style: used / (used + available), so space reserved for root counts as
 * neither. One filesystem mounted in several places (bind mounts, container volumes) is reported
 * once, under its shortest mount path.
 */
export function filesystemUsage(entries: readonly FsEntry[]): FsUsage[] {
  const byDevice = new Map<string, FsEntry>();
  for (const entry of entries) {
    if (!isMonitoredFilesystem(entry)) continue;
    if (![entry.used, entry.available].every(Number.isFinite)) continue;
    const key = entry.fs || entry.mount;
    const seen = byDevice.get(key);
    if (!seen || entry.mount.length < seen.mount.length) byDevice.set(key, entry);
  }
  return [...byDevice.values()]
    // Code-unit order, not localeCompare: paths need no collation, and the first localeCompare
    // maps ICU's collation data into the process for good (about 2 MB of RSS).
    .sort((a, b) => (a.mount < b.mount ? -1 : a.mount > b.mount ? 1 : 0))
    .map((entry) => ({
      mount: entry.mount,
      usedPct: Math.round((entry.used / (entry.used + entry.available)) * 10_000) / 100,
      freeBytes: entry.available,
    }));
}
