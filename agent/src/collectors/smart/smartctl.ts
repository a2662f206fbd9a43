import type { SmartDisk } from '@vigil/shared';
import { describeCommandFailure, runCommand } from '../../os/run-command.js';
import { parseSmartctlDevice } from './parse-device.js';
import { parseSmartctlScan, type ScannedDevice } from './parse-scan.js';

export interface SmartctlOptions {
  /** Per smartctl call; a disk that hangs on a SMART command must not hold the others up for ever. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** A RAID controller can expose dozens of disks; past this they are left out and said so. */
  maxDisks?: number;
}

export type SmartctlReading = { ok: true; disks: SmartDisk[]; skipped: number } | { ok: false; reason: string };

/** smartctl's JSON for one disk is a few kB; a MiB bounds a misbehaving tool. */
const MAX_OUTPUT = 1024 * 1024;

/**
 * Finds disks with `smartctl --scan -j`, then reads each with `smartctl -a -j`, one at a time so a
 * slow disk never competes with the others. The same commands serve Linux, Windows and macOS.
 */
export async function readSmart(options: SmartctlOptions): Promise<SmartctlReading> {
  const common = { timeoutMs: options.timeoutMs, maxOutputBytes: MAX_OUTPUT, ...(options.env ? { env: options.env } : {}) };
  const scan = await runCommand('smartctl', ['--scan', '-j'], common);
  if (scan.kind === 'not_found') return { ok: false, reason: 'smartctl is not installed (install smartmontools 7 or later to report disk health)' };
  if (scan.kind !== 'exited') return { ok: false, reason: describeCommandFailure(scan) };
  const found = parseSmartctlScan(scan.stdout, scan.exitCode);
  if (!found.ok) return found;

  const max = options.maxDisks ?? 64;
  const disks: SmartDisk[] = [];
  for (const device of found.devices.slice(0, max)) {
    const result = await runCommand('smartctl', deviceArgs(device), common);
    if (result.kind !== 'exited') {
      disks.push({ device: device.label, health: 'unknown', reason: describeCommandFailure(result) });
    } else if (result.stdoutTruncated) {
      disks.push({ device: device.label, health: 'unknown', reason: `smartctl output for ${device.name} was over ${MAX_OUTPUT} bytes and was cut` });
    } else {
      disks.push(parseSmartctlDevice(device, result.stdout, result.exitCode));
    }
  }
  return { ok: true, disks, skipped: Math.max(0, found.devices.length - max) };
}

/**
 * `-n standby` leaves a spun-down disk asleep: an hourly health check must not wake every idle
 * drive. The scan's "scsi" type is left out so smartctl can detect a SATA disk behind the SCSI
 * layer (and read its ATA attributes); other types (nvme, megaraid,N, ...) are needed to reach the disk.
 */
export function deviceArgs(device: ScannedDevice): string[] {
  const type = device.type && device.type !== 'scsi' ? ['-d', device.type] : [];
  return ['-a', '-j', '-n', 'standby', ...type, device.name];
}
