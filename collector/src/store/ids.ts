import { randomBytes } from 'node:crypto';

/** Prefixed random ids ("agt_…", "alr_…") say what they name when they turn up in logs. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}
