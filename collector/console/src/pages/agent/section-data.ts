import type { InstalledPackage, InventorySection, PatchesSection, PendingPatch, ServicesSection, SmartSection, StoredEvent } from '@vigil/shared';

/**
 * Reading the `sections` of an agent's latest frame. The collector stores them as the agent sent
 * them, and agents of another version may send another shape, so each is checked for the parts
 * the page relies on before it is drawn: a section that is absent and one that cannot be read
 * say so, rather than showing an empty table that would read as "nothing pending".
 */
export type SectionRead<T> = { state: 'missing' } | { state: 'unreadable' } | { state: 'ok'; value: T };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function read<T>(sections: Record<string, unknown>, key: string, looksRight: (v: Record<string, unknown>) => boolean): SectionRead<T> {
  if (!Object.prototype.hasOwnProperty.call(sections, key) || sections[key] === null || sections[key] === undefined) return { state: 'missing' };
  const value = sections[key];
  return isObject(value) && looksRight(value) ? { state: 'ok', value: value as T } : { state: 'unreadable' };
}

export const readPatches = (s: Record<string, unknown>) =>
  read<PatchesSection>(s, 'patches', (v) => Array.isArray(v.items) && typeof v.pending === 'number');

export const readSmart = (s: Record<string, unknown>) =>
  read<SmartSection>(s, 'smart', (v) => Array.isArray(v.disks) && typeof v.status === 'string');

export const readServices = (s: Record<string, unknown>) =>
  read<ServicesSection>(s, 'services', (v) => Array.isArray(v.services));

export const readInventory = (s: Record<string, unknown>) =>
  read<InventorySection>(s, 'inventory', (v) =>
    isObject(v.os) && isObject(v.hardware) && isObject(v.cpu) && isObject(v.memory) && Array.isArray(v.disks) && Array.isArray(v.network)
    && isObject(v.software) && Array.isArray(v.software.packages));

/** Security updates first, then those that want a restart, then by name. */
export function orderPatches(items: readonly PendingPatch[]): PendingPatch[] {
  return [...items].sort((a, b) =>
    Number(b.security) - Number(a.security)
    || Number(b.restartRequired === true) - Number(a.restartRequired === true)
    || a.name.localeCompare(b.name));
}

/** Installed packages whose name or publisher contains `query` (case-insensitive), at most `limit`, and how many matched in all. */
export function filterPackages(packages: readonly InstalledPackage[], query: string, limit: number): { shown: InstalledPackage[]; matched: number } {
  const q = query.trim().toLowerCase();
  const matching = q ? packages.filter((p) => p.name.toLowerCase().includes(q) || (p.publisher ?? '').toLowerCase().includes(q)) : packages;
  return { shown: matching.slice(0, limit), matched: matching.length };
}

/** The newest entries first, optionally of one level, at most `limit`. */
export function newestEvents(events: readonly StoredEvent[], level: '' | StoredEvent['level'], limit: number): StoredEvent[] {
  const kept = level ? events.filter((e) => e.level === level) : [...events];
  return kept.sort((a, b) => b.ts - a.ts || b.seq - a.seq).slice(0, limit);
}
