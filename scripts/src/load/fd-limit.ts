import { readFileSync } from 'node:fs';

/** The soft limit on open files of this process (Linux only; null where it cannot be read). */
export function openFileSoftLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (soft === 'unlimited') return Number.POSITIVE_INFINITY;
    const n = Number(soft);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/**
 * Each simulated agent holds one socket here and one in the collector (which, when spawned,
 * inherits this limit). Node cannot raise its own limit, so say how before connections fail.
 */
export function fdLimitWarning(agents: number): string | null {
  const limit = openFileSoftLimit();
  const needed = agents + 256;
  if (limit === null || limit >= needed) return null;
  return `the open-file limit is ${limit} but ${agents} agents need about ${needed}; ` +
    `raise it in this shell first, e.g. \`ulimit -n ${Math.max(needed, 65536)}\` (up to the hard limit, \`ulimit -Hn\`)`;
}

export function isFdExhaustion(err: unknown): boolean {
  // fetch wraps the socket error as its cause.
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | null, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (e.code === 'EMFILE' || e.code === 'ENFILE' || /EMFILE|ENFILE/.test(String(e.message))) return true;
  }
  return false;
}
