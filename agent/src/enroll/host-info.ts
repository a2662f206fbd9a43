import { hostname } from 'node:os';
import { si } from '../os/systeminformation.js';
import type { EnrollRequest, OsPlatform } from '@vigil/shared';

export function osPlatform(platform: NodeJS.Platform = process.platform): OsPlatform {
  if (platform === 'linux' || platform === 'darwin') return platform;
  if (platform === 'win32') return 'windows';
  throw new Error(`unsupported platform ${platform}: the agent runs on Linux, Windows and macOS`);
}

/** What the collector records about this endpoint at enrollment, clipped to the schema's limits. */
export async function describeHost(): Promise<Pick<EnrollRequest, 'hostname' | 'os'>> {
  const platform = osPlatform();
  const info = await si.osInfo();
  return {
    hostname: hostname().slice(0, 255) || 'unknown',
    os: {
      platform,
      distro: (info.distro || '').slice(0, 128),
      release: (info.release || '').slice(0, 128),
      arch: (info.arch || process.arch).slice(0, 32),
    },
  };
}
