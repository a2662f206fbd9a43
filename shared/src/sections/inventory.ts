import { z } from 'zod';

export const InstalledPackageSchema = z.object({
  name: z.string(),
  version: z.string().optional(),
  arch: z.string().optional(),
  publisher: z.string().optional(),
  /** Where a macOS application or a Windows program lives, when the source says. */
  location: z.string().optional(),
});
export type InstalledPackage = z.infer<typeof InstalledPackageSchema>;

export const SoftwareInventorySchema = z.object({
  source: z.enum(['dpkg', 'rpm', 'windows-uninstall', 'system_profiler']).optional(),
  status: z.enum(['ok', 'unknown']),
  reason: z.string().optional(),
  /** Packages found; `packages` holds at most a capped number of them. */
  count: z.number().int().nonnegative(),
  truncated: z.number().int().nonnegative().optional(),
  packages: z.array(InstalledPackageSchema),
});
export type SoftwareInventory = z.infer<typeof SoftwareInventorySchema>;

export const InventoryDiskSchema = z.object({
  device: z.string().optional(),
  model: z.string().optional(),
  serial: z.string().optional(),
  sizeBytes: z.number().nonnegative().optional(),
  /** HDD, SSD, NVMe, or what the OS reports. */
  type: z.string().optional(),
  interface: z.string().optional(),
});

export const InventoryInterfaceSchema = z.object({
  name: z.string(),
  mac: z.string().optional(),
  ipv4: z.array(z.string()),
  ipv6: z.array(z.string()),
});

/** The `inventory` section of a frame: what an endpoint is, refreshed daily and at start. */
export const InventorySectionSchema = z.object({
  collectedAt: z.number().int().nonnegative(),
  os: z.object({
    platform: z.string(),
    name: z.string().optional(),
    version: z.string().optional(),
    codename: z.string().optional(),
    build: z.string().optional(),
    kernel: z.string().optional(),
    arch: z.string().optional(),
    hostname: z.string().optional(),
  }),
  hardware: z.object({
    manufacturer: z.string().optional(),
    model: z.string().optional(),
    serial: z.string().optional(),
    virtual: z.boolean().optional(),
  }),
  cpu: z.object({
    model: z.string().optional(),
    logicalCores: z.number().int().nonnegative().optional(),
    physicalCores: z.number().int().nonnegative().optional(),
    speedGHz: z.number().nonnegative().optional(),
  }),
  memory: z.object({ totalBytes: z.number().nonnegative().optional() }),
  disks: z.array(InventoryDiskSchema),
  network: z.array(InventoryInterfaceSchema),
  software: SoftwareInventorySchema,
  /** Parts that could not be read, each with why; the rest of the inventory still stands. */
  problems: z.array(z.string()).optional(),
});
export type InventorySection = z.infer<typeof InventorySectionSchema>;
