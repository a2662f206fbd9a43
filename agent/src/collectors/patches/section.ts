import { MAX_PATCH_ITEMS, type PatchesSection, type Sample } from '@vigil/shared';
import type { CollectorOutput } from '../types.js';
import type { PatchScan } from './types.js';

const MAX_NOTES = 16;
const MAX_NOTE = 2000;

/**
 * Turns a scan into metrics and the `patches` section. A null count emits no sample at all, so a
 * rule on patch.security_pending never sees a zero the source did not report. The list is capped,
 * security updates first, so what is cut is the least urgent.
 */
export function patchesOutput(scan: PatchScan, scannedAt: number): CollectorOutput {
  const samples: Sample[] = [{ metric: 'patch.pending', value: scan.pending }];
  if (scan.securityPending !== null) samples.push({ metric: 'patch.security_pending', value: scan.securityPending });
  if (scan.rebootRequired !== null) samples.push({ metric: 'patch.reboot_required', value: scan.rebootRequired ? 1 : 0 });

  const ordered = [...scan.items.filter((i) => i.security), ...scan.items.filter((i) => !i.security)];
  const notes = scan.notes.slice(0, MAX_NOTES).map((n) => (n.length <= MAX_NOTE ? n : `${n.slice(0, MAX_NOTE - 1)}…`));
  const section: PatchesSection = {
    source: scan.source,
    pending: scan.pending,
    securityPending: scan.securityPending,
    rebootRequired: scan.rebootRequired,
    items: ordered.slice(0, MAX_PATCH_ITEMS),
    truncated: Math.max(0, ordered.length - MAX_PATCH_ITEMS),
    scannedAt,
    ...(notes.length ? { notes } : {}),
  };
  return {
    samples,
    sections: { patches: section },
    // Status stays ok: the counts given are true. The notes say what is missing and why.
    ...(notes.length ? { reason: notes.join('; ') } : {}),
  };
}
