import type { SmartDisk } from '@vigil/shared';
import { decodeSmartctlExit, isValidSmartctlExit, type SmartctlExit } from './exit-status.js';
import { arr, num, obj, parseJsonObject, str, type Json } from './json-fields.js';
import type { ScannedDevice } from './parse-scan.js';

/**
 * Turns one `smartctl -a -j` answer into a disk record. Health is 'failed' only on positive
 * evidence (smart_status.passed false, or the DISK FAILING bit); every way of not getting an
 * answer (no permission, a virtual disk, standby, truncated output) is 'unknown' with the reason.
 */
export function parseSmartctlDevice(device: ScannedDevice, stdout: string, exitCode: number | null): SmartDisk {
  const base = { device: device.label, ...(device.type ? { type: device.type } : {}), ...(device.protocol ? { protocol: device.protocol } : {}) };
  const unknown = (reason: string, extra: Partial<SmartDisk> = {}): SmartDisk => ({ ...base, ...extra, health: 'unknown', reason });

  const doc = parseJsonObject(stdout);
  const reported = num(obj(doc?.smartctl)?.exit_status);
  const code = exitCode ?? reported;
  if (code === undefined || code === null) return unknown('smartctl was killed before it finished');
  if (!isValidSmartctlExit(code)) return unknown(`smartctl exited with status ${code}, which is not a smartctl status`);
  const exit = decodeSmartctlExit(code);
  const status = { exitStatus: code, exitFlags: exit.flags };
  if (!doc) return unknown(`smartctl output was not JSON (exit status ${code}); it may have been cut short`, status);

  const details = { ...status, ...identity(doc), ...measurements(doc) };
  const messages = arr(obj(doc.smartctl)?.messages).map((m) => str(obj(m)?.string)).filter((m): m is string => Boolean(m));
  const said = messages.length ? `: ${messages.join('; ')}` : '';

  if (exit.has('command-line-error')) return unknown(`smartctl cannot query this device (no SMART, e.g. a virtual disk)${said}`, details);
  if (exit.has('device-open-failed')) return unknown(openFailureReason(messages) + said, details);

  const passed = obj(doc.smart_status)?.passed;
  if (passed === false || exit.has('disk-failing')) return { ...base, ...details, health: 'failed', ...warnings(exit) };
  if (passed === true) return { ...base, ...details, health: 'passed', ...warnings(exit) };

  const support = obj(doc.smart_support);
  if (support?.available === false) return unknown(`the device does not support SMART${said}`, details);
  if (support?.enabled === false) return unknown(`SMART is disabled on the device${said}`, details);
  if (exit.has('smart-command-failed')) return unknown(`a SMART command failed${said}`, details);
  return unknown(`smartctl reported no SMART health status${said}`, details);
}

function openFailureReason(messages: string[]): string {
  const text = messages.join(' ');
  if (/permission denied|access is denied|error=5\b/i.test(text)) return 'permission denied: reading SMART needs root (Administrator on Windows)';
  if (/standby|sleep/i.test(text)) return 'the disk is in a low-power mode and was not woken to read SMART';
  return 'smartctl could not open the device (virtual disks usually refuse SMART commands)';
}

/** Warning bits on a disk whose overall health still answered; kept in the reason so nobody has to decode the mask. */
function warnings(exit: SmartctlExit): { reason?: string } {
  const notes = exit.flags.filter((f) => f !== 'disk-failing');
  return notes.length ? { reason: `smartctl also reported: ${notes.join(', ')}` } : {};
}

function identity(doc: Json): Partial<SmartDisk> {
  const model = str(doc.model_name) ?? str(doc.scsi_model_name);
  const serial = str(doc.serial_number);
  const firmware = str(doc.firmware_version);
  const capacityBytes = num(obj(doc.user_capacity)?.bytes) ?? num(doc.nvme_total_capacity);
  return { ...(model ? { model } : {}), ...(serial ? { serial } : {}), ...(firmware ? { firmware } : {}), ...(capacityBytes !== undefined ? { capacityBytes } : {}) };
}

function measurements(doc: Json): Partial<SmartDisk> {
  const nvme = obj(doc.nvme_smart_health_information_log);
  const out: Partial<SmartDisk> = {};
  const temperatureC = num(obj(doc.temperature)?.current) ?? num(nvme?.temperature);
  if (temperatureC !== undefined) out.temperatureC = temperatureC;
  const powerOnHours = num(obj(doc.power_on_time)?.hours);
  if (powerOnHours !== undefined) out.powerOnHours = powerOnHours;
  const reallocated = ataRaw(doc, 5);
  if (reallocated !== undefined) out.reallocatedSectors = reallocated;
  const pending = ataRaw(doc, 197);
  if (pending !== undefined) out.pendingSectors = pending;
  if (nvme) {
    const percentageUsed = num(nvme.percentage_used);
    const mediaErrors = num(nvme.media_errors);
    const criticalWarning = num(nvme.critical_warning);
    if (percentageUsed !== undefined) out.percentageUsed = percentageUsed;
    if (mediaErrors !== undefined) out.mediaErrors = mediaErrors;
    if (criticalWarning !== undefined) out.criticalWarning = criticalWarning;
  }
  return out;
}

/**
 * An ATA attribute's raw count. The leading number of raw.string is preferred: some vendors pack
 * several counters into the 48-bit raw.value, and smartctl's drive database already unpacked it.
 */
function ataRaw(doc: Json, id: number): number | undefined {
  const row = arr(obj(doc.ata_smart_attributes)?.table).map(obj).find((a) => a?.id === id);
  const raw = obj(row?.raw);
  if (!raw) return undefined;
  const lead = /^\s*(\d+)/.exec(str(raw.string) ?? '');
  if (lead?.[1] !== undefined) return Number(lead[1]);
  const value = num(raw.value);
  return value !== undefined && value >= 0 ? value : undefined;
}
