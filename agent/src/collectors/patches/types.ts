import type { PatchSource, PendingPatch } from '@vigil/shared';

/** A parser's answer: what the output says, or precisely why it cannot be trusted. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export const parsed = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const rejected = (reason: string): Parsed<never> => ({ ok: false, reason });

/** The part of a finished command a parser looks at. */
export interface ToolOutput {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** What one source established. Nulls mean "cannot tell" and are never reported as zero. */
export interface PatchScan {
  source: PatchSource;
  items: PendingPatch[];
  /** For `patch.pending`; equals the number of updatable packages (or updates), not of SUSE patches. */
  pending: number;
  securityPending: number | null;
  rebootRequired: boolean | null;
  /** Why a null above is null, and anything else the scan could not establish. */
  notes: string[];
}

/** A source's answer: a scan, or the reason there is none. */
export type ScanOutcome = { ok: true; scan: PatchScan } | { ok: false; reason: string };

/** What every source runner is given. */
export interface SourceOptions {
  /** Environment for the tools (PATH decides which binary answers, so a test can put a stand-in first). */
  env: NodeJS.ProcessEnv;
  /** Refresh the package catalog first (apt-get update, dnf without -C, ...). Off by default: it takes locks and the network. */
  refresh: boolean;
  /** Upper bound for the main scan command; secondary commands get less (see each runner). */
  timeoutMs: number;
}

/** First lines of a tool's stderr (or stdout), for a reason that stays readable. */
export function excerpt(text: string, maxChars = 300): string {
  const oneLine = text.trim().split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 4).join(' | ');
  return oneLine.length <= maxChars ? oneLine : `${oneLine.slice(0, maxChars - 1)}…`;
}
