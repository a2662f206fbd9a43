import { arr, num, obj, parseJsonObject, str } from './json-fields.js';

export interface ScannedDevice {
  /** Path to open, e.g. /dev/sda or /dev/bus/0. */
  name: string;
  /** Unique per disk even behind a RAID controller, e.g. "/dev/bus/0 [megaraid_disk_00]". */
  label: string;
  type?: string;
  protocol?: string;
}

export type ScanResult = { ok: true; devices: ScannedDevice[] } | { ok: false; reason: string };

/** Parses `smartctl --scan -j`. Output that is not smartctl's JSON means a smartctl older than 7.0 (no -j) or garbage. */
export function parseSmartctlScan(stdout: string, exitCode: number | null): ScanResult {
  const doc = parseJsonObject(stdout);
  const reportedExit = num(obj(doc?.smartctl)?.exit_status);
  if (!doc || reportedExit === undefined) {
    const hint = exitCode !== 0 ? ` (exit status ${exitCode})` : '';
    return { ok: false, reason: `smartctl --scan -j did not answer in JSON${hint}: smartmontools 7 or later is needed` };
  }
  if (exitCode !== 0 || reportedExit !== 0) {
    const messages = arr(obj(doc.smartctl)?.messages).map((m) => str(obj(m)?.string)).filter(Boolean);
    return { ok: false, reason: `smartctl --scan failed with exit status ${exitCode ?? reportedExit}${messages.length ? `: ${messages.join('; ')}` : ''}` };
  }
  const devices: ScannedDevice[] = [];
  for (const entry of arr(doc.devices)) {
    const device = obj(entry);
    const name = str(device?.name);
    if (!device || !name) continue;
    const type = str(device.type);
    const protocol = str(device.protocol);
    devices.push({ name, label: str(device.info_name) ?? name, ...(type ? { type } : {}), ...(protocol ? { protocol } : {}) });
  }
  return { ok: true, devices };
}
