import { readFile } from 'node:fs/promises';
import type { PatchSource } from '@vigil/shared';
import type { PowerShellRunner } from '../../os/powershell.js';
import { sharedPowerShellHost } from '../../os/powershell-host.js';
import type { CollectorOutput, MetricCollector } from '../types.js';
import { DEFAULT_APT_PATHS, scanApt, type AptPaths } from './apt.js';
import { detectPatchSource } from './detect.js';
import { scanDnf } from './dnf.js';
import { patchesOutput } from './section.js';
import { scanSoftwareUpdate } from './softwareupdate.js';
import type { ScanOutcome, SourceOptions } from './types.js';
import { scanWindows } from './windows.js';
import { scanZypper } from './zypper.js';

export const DEFAULT_PATCH_INTERVAL_MS = 6 * 60 * 60 * 1000;
/** What the scheduler allows one scan; each command inside gets less, so it is killed first. */
const COLLECTOR_TIMEOUT_MS = 10 * 60 * 1000;
const COMMAND_TIMEOUT_MS = 6 * 60 * 1000;

export interface PatchesOptions {
  /** Use this source instead of detecting one (`--patch-source`). */
  source?: PatchSource;
  intervalMs?: number;
  /** Refresh the package catalog before scanning; off by default (network, locks). */
  refresh?: boolean;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  powershell?: PowerShellRunner;
  aptPaths?: AptPaths;
  readOsRelease?: () => Promise<string | null>;
  now?: () => number;
}

/**
 * Pending patches, every 6 hours by default and in the background (a scan can take minutes). A
 * scan that cannot be trusted reports `unknown` with the reason and no patch metrics at all.
 */
export class PatchesCollector implements MetricCollector {
  readonly name = 'patches';
  readonly timeoutMs = COLLECTOR_TIMEOUT_MS;
  readonly intervalMs: number;

  constructor(private readonly options: PatchesOptions = {}) {
    this.intervalMs = options.intervalMs ?? DEFAULT_PATCH_INTERVAL_MS;
  }

  async collect(): Promise<CollectorOutput> {
    const outcome = await this.scan();
    if (!outcome.ok) return { samples: [], status: 'unknown', reason: outcome.reason };
    return patchesOutput(outcome.scan, (this.options.now ?? Date.now)());
  }

  private async scan(): Promise<ScanOutcome> {
    const env = this.options.env ?? process.env;
    let source = this.options.source;
    if (!source) {
      const osRelease = await (this.options.readOsRelease ?? readOsRelease)();
      const detected = detectPatchSource({ platform: this.options.platform ?? process.platform, env, osRelease });
      if (!detected.ok) return detected;
      source = detected.source;
    }
    const options: SourceOptions = { env, refresh: this.options.refresh ?? false, timeoutMs: COMMAND_TIMEOUT_MS };
    switch (source) {
      case 'apt':
        return scanApt(options, this.options.aptPaths ?? DEFAULT_APT_PATHS);
      case 'dnf':
      case 'yum':
        return scanDnf(source, options);
      case 'zypper':
        return scanZypper(options);
      case 'softwareupdate':
        return scanSoftwareUpdate(options);
      case 'windows':
        return scanWindows(options, this.options.powershell ?? sharedPowerShellHost().run);
    }
  }
}

async function readOsRelease(): Promise<string | null> {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return await readFile(path, 'utf8');
    } catch {
      /* try the next */
    }
  }
  return null;
}
