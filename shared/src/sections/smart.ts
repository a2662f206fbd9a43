import { z } from 'zod';

/**
 * One disk as smartctl described it. `health` is 'unknown' (with a reason) whenever smartctl could
 * not answer — no permission, a virtual disk, a disk in standby — which is never the same as failed.
 */
export const SmartDiskSchema = z.object({
  /** As `smartctl --scan` names it, e.g. /dev/sda or "/dev/bus/0 [megaraid_disk_00]"; also the `device` label. */
  device: z.string(),
  /** smartctl's device type (sat, nvme, scsi, megaraid,N ...). */
  type: z.string().optional(),
  protocol: z.string().optional(),
  model: z.string().optional(),
  serial: z.string().optional(),
  firmware: z.string().optional(),
  capacityBytes: z.number().nonnegative().optional(),
  health: z.enum(['passed', 'failed', 'unknown']),
  reason: z.string().optional(),
  temperatureC: z.number().optional(),
  powerOnHours: z.number().nonnegative().optional(),
  /** ATA attribute 5 (Reallocated_Sector_Ct), raw. */
  reallocatedSectors: z.number().nonnegative().optional(),
  /** ATA attribute 197 (Current_Pending_Sector), raw. */
  pendingSectors: z.number().nonnegative().optional(),
  /** NVMe health log: share of rated endurance used, may exceed 100. */
  percentageUsed: z.number().nonnegative().optional(),
  mediaErrors: z.number().nonnegative().optional(),
  /** NVMe health log critical_warning bit field (0 = none). */
  criticalWarning: z.number().int().nonnegative().optional(),
  /** smartctl's exit status, and the names of the bits set in it. */
  exitStatus: z.number().int().optional(),
  exitFlags: z.array(z.string()).optional(),
});
export type SmartDisk = z.infer<typeof SmartDiskSchema>;

/** The `smart` section of a frame. */
export const SmartSectionSchema = z.object({
  status: z.enum(['ok', 'unknown']),
  reason: z.string().optional(),
  disks: z.array(SmartDiskSchema),
});
export type SmartSection = z.infer<typeof SmartSectionSchema>;
