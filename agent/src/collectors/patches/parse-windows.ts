import { WindowsUpdateScanSchema, describeZodError, type PendingPatch } from '@vigil/shared';
import { excerpt, parsed, rejected, type Parsed, type ToolOutput } from './types.js';

/** The WSUS/Windows Update category GUID of "Security Updates" (names are localised, ids are not). */
export const SECURITY_UPDATES_CATEGORY = '0fa1201d-4330-4fa8-8ae9-b877473b6441';

export interface WindowsResult {
  items: PendingPatch[];
  rebootRequired: boolean | null;
  notes: string[];
}

/** Parses the JSON printed by windowsUpdateScript(). */
export function parseWindowsScan(output: ToolOutput): Parsed<WindowsResult> {
  if (output.exitCode !== 0) return rejected(`the Windows Update script failed (exit ${output.exitCode}): ${excerpt(output.stderr || output.stdout)}`);
  const text = output.stdout.replace(/^\uFEFF/, '').trim();
  if (!text) return rejected(`the Windows Update script printed nothing${output.stderr.trim() ? `: ${excerpt(output.stderr)}` : ''}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return rejected(`the Windows Update script did not print JSON (cut short?): ${excerpt(text, 200)}`);
  }
  const result = WindowsUpdateScanSchema.safeParse(json);
  if (!result.success) return rejected(`unexpected Windows Update script output: ${describeZodError(result.error)}`);
  const scan = result.data;
  if (scan.searchError) return rejected(`the Windows Update search failed: ${scan.searchError.message.trim()} (${scan.searchError.hresult})`);
  if (scan.resultCode === 4 || scan.resultCode === 5) return rejected(`the Windows Update search ${scan.resultCode === 4 ? 'failed' : 'was aborted'} (result code ${scan.resultCode})`);
  if (scan.resultCode !== 2 && scan.resultCode !== 3) return rejected(`the Windows Update search gave result code ${scan.resultCode ?? 'none'}`);
  const notes: string[] = [];
  if (scan.resultCode === 3) {
    if (scan.updates.length === 0) return rejected('the Windows Update search succeeded with errors and found nothing, which may not be complete');
    notes.push('the Windows Update search succeeded with errors; the list may be incomplete');
  }

  const items = scan.updates.map((u): PendingPatch => {
    const severity = u.msrcSeverity?.trim() || undefined;
    const security = !!severity || u.categories.some((c) => c.id.toLowerCase() === SECURITY_UPDATES_CATEGORY);
    const item: PendingPatch = {
      name: (u.kb.length ? u.kb.join(', ') : u.title).slice(0, 512) || 'untitled update',
      version: '',
      title: u.title.slice(0, 1024),
      security,
    };
    if (severity) item.severity = severity;
    if (u.categories.length) item.category = u.categories.map((c) => c.name).join(', ').slice(0, 256);
    if (u.rebootBehavior !== null && u.rebootBehavior !== undefined) item.restartRequired = u.rebootBehavior !== 0;
    return item;
  });

  const { componentBasedServicing, windowsUpdate, pendingFileRename } = scan.reboot;
  const signals = [componentBasedServicing, windowsUpdate, pendingFileRename];
  let rebootRequired: boolean | null;
  if (signals.some((s) => s === true)) {
    rebootRequired = true;
    const why = [componentBasedServicing && 'Component Based Servicing\\RebootPending', windowsUpdate && 'WindowsUpdate\\Auto Update\\RebootRequired', pendingFileRename && 'Session Manager PendingFileRenameOperations'].filter(Boolean);
    notes.push(`reboot pending: ${why.join(', ')}`);
  } else if (signals.every((s) => s === false)) {
    rebootRequired = false;
  } else {
    rebootRequired = null;
    notes.push('reboot status unknown: a reboot registry key could not be read');
  }
  if (scan.lastSearchSuccess) notes.push(`Windows Update last searched successfully at ${scan.lastSearchSuccess}`);
  return parsed({ items, rebootRequired, notes });
}
