import { createHash, randomBytes } from 'node:crypto';

/**
 * Tokens are 256-bit random secrets, so a plain SHA-256 is enough to store them safely (a slow
 * password hash only matters for guessable secrets). The prefix says what a leaked string is.
 */
export function newSecret(prefix: 'vgt' | 'vge'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
