import type { FleetPatches, FleetRow } from '@vigil/shared';


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
