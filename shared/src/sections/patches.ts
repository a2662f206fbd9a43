import { z } from 'zod';

/** Where a patch scan's answer came from; also what `collect --patch-source` accepts. */
export const PATCH_SOURCES = ['apt', 'dnf', 'yum', 'zypper', 'windows', 'softwareupdate'] as const;
export const PatchSourceSchema = z.enum(PATCH_SOURCES);
export type PatchSource = z.infer<typeof PatchSourceSchema>;

/** Longest list a frame carries; the rest is counted in `truncated`. */
export const MAX_PATCH_ITEMS = 500;

/** One pending update: a package, a SUSE patch, a Windows update or a macOS product. */
export const PendingPatchSchema = z.object({
  /** Package name, KB id(s) for Windows ("KB5034441"), patch id for SUSE, label for macOS. */
  name: z.string().min(1).max(512),
  /** The version that would be installed ('' when the source has none, as for most Windows updates). */
  version: z.string().max(256),
  /** The installed version it replaces, when the source says (absent for a newly pulled-in package). */
  currentVersion: z.string().max(256).optional(),
  /** The vendor's own rating: Critical/Important/Moderate/Low (MSRC, Red Hat, SUSE), as given. */
  severity: z.string().max(64).optional(),
  security: z.boolean(),
  /** Repository/pocket, advisory type or update category, as the source names it. */
  category: z.string().max(256).optional(),
  /** Human title where the name is an id (Windows, macOS, SUSE patches). */
  title: z.string().max(1024).optional(),
  /** Installing this one will ask for a restart (Windows reboot behaviour, macOS `Action: restart`). */
  restartRequired: z.boolean().optional(),
  /** macOS: Apple marks it recommended. */
  recommended: z.boolean().optional(),
});
export type PendingPatch = z.infer<typeof PendingPatchSchema>;

/**
 * The `patches` section of a frame, present only when the scan succeeded (a scan that could not be
 * read reports `unknown` in the frame's sources instead, and no section). Null means "this source
 * cannot tell", never zero.
 */
export const PatchesSectionSchema = z.object({
  source: PatchSourceSchema,
  /** Pending updates, as counted for `patch.pending`. */
  pending: z.number().int().nonnegative(),
  /** Pending security updates (`patch.security_pending`); null when the source does not classify them. */
  securityPending: z.number().int().nonnegative().nullable(),
  /** A reboot is pending (`patch.reboot_required`); null when this system gives no reliable signal. */
  rebootRequired: z.boolean().nullable(),
  items: z.array(PendingPatchSchema).max(MAX_PATCH_ITEMS),
  /** How many items were left out of `items` to keep the frame small. */
  truncated: z.number().int().nonnegative(),
  /** Unix epoch milliseconds when the scan finished. */
  scannedAt: z.number().int().nonnegative(),
  /** What the scan could not establish, and why (a null above always has a note here). */
  notes: z.array(z.string().max(2000)).max(16).optional(),
});
export type PatchesSection = z.infer<typeof PatchesSectionSchema>;

/** Windows PowerShell 5.1's ConvertTo-Json turns one-element arrays into scalars in some shapes. */
const looseList = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(item));

/**
 * What the agent's Windows Update script prints (agent/src/collectors/patches/windows-script.ts):
 * the Windows Update Agent's applicable updates and the registry's reboot-pending signals. Kept here
 * with the other schemas; it never travels on the wire.
 */
export const WindowsUpdateScanSchema = z.object({
  schema: z.literal(1),
  updates: looseList(
    z.object({
      title: z.string(),
      kb: looseList(z.string()),
      msrcSeverity: z.string().nullish(),
      categories: looseList(z.object({ id: z.string(), name: z.string() })),
      /** InstallationBehavior.RebootBehavior: 0 never reboots, 1 always requires, 2 can request one. */
      rebootBehavior: z.number().int().nullish(),
      updateId: z.string().nullish(),
      revision: z.number().int().nullish(),
      /** 1 software, 2 driver. */
      type: z.number().int().nullish(),
    }),
  ),
  searchError: z.object({ message: z.string(), hresult: z.string() }).nullish(),
  /** OperationResultCode: 2 succeeded, 3 succeeded with errors, 4 failed, 5 aborted. */
  resultCode: z.number().int().nullish(),
  online: z.boolean().optional(),
  /** Each null when its key could not be read. */
  reboot: z.object({
    componentBasedServicing: z.boolean().nullable(),
    windowsUpdate: z.boolean().nullable(),
    pendingFileRename: z.boolean().nullable(),
  }),
  lastSearchSuccess: z.string().nullish(),
});
export type WindowsUpdateScan = z.infer<typeof WindowsUpdateScanSchema>;
