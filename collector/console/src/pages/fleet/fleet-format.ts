import type { FleetPatches, FleetRow } from '@vigil/shared';

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; "never" before the first contact. */
export function relativeTime(at: number | null, now: number): string {
  if (at === null) return 'never';
  // A clock a little ahead of ours still means "now", not a time in the future.
  const s = Math.max(0, Math.floor((now - at) / 1000));
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

const PLATFORM_NAMES: Readonly<Record<string, string>> = { linux: 'Linux', windows: 'Windows', darwin: 'macOS' };

export function platformName(platform: string): string {
  return PLATFORM_NAMES[platform] ?? platform;
}

/** "Linux · Debian 12": the platform, then what the agent said about its distribution. */
export function osLabel(os: FleetRow['os']): string {
  const detail = [os.distro, os.release].filter(Boolean).join(' ');
  return detail ? `${platformName(os.platform)} · ${detail}` : platformName(os.platform);
}

/** "7 / 2" (pending / security); "?" where the source does not classify security updates. */
export function patchesLabel(patches: FleetPatches | null): string {
  if (!patches) return '—';
  return `${patches.pending} / ${patches.security ?? '?'}`;
}

export function patchesTitle(patches: FleetPatches | null): string {
  if (!patches) return 'No patch scan reported yet';
  const security = patches.security === null ? 'security updates not classified by this source' : `${patches.security} security`;
  const reboot = patches.rebootRequired ? '; reboot required' : patches.rebootRequired === null ? '; reboot state unknown' : '';
  return `${patches.pending} pending, ${security}${reboot}`;
}
