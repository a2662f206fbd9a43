import { ROLE_PERMISSIONS, parseDuration, type ApiToken, type IssuedToken, type Permission } from '@vigil/shared';
import { ApiError } from '../http/api-error.js';
import type { ApiTokenRow, Store, UserRow } from '../store/index.js';
import { newId } from '../store/ids.js';
import type { Caller } from './caller.js';
import { hashSecret, newSecret } from './secrets.js';

/** A login lasts a working day; scripts use personal API tokens instead. */
export const SESSION_LIFETIME_MS = 12 * 3_600_000;
export const MAX_TOKEN_LIFETIME_MS = 365 * 86_400_000;

export function publicToken(row: ApiTokenRow): ApiToken {
  const { role: _role, ...token } = row;
  return token;
}

export interface TokenSpec {
  user: UserRow;
  kind: 'api' | 'session';
  name: string;
  scopes: readonly string[];
  lifetimeMs: number;
  now: number;
}

/** Creates a token for a user; the secret is in the answer and nowhere else (only its hash is stored). */
export function issueToken(store: Store, spec: TokenSpec): IssuedToken {
  const secret = newSecret('vgt');
  const id = newId('tok');
  store.tokens.insertApiToken({
    id, name: spec.name, tokenHash: hashSecret(secret), role: spec.user.role, kind: spec.kind, userId: spec.user.id,
    scopes: [...spec.scopes], expiresAt: spec.now + spec.lifetimeMs, createdAt: spec.now,
  });
  return { ...publicToken(store.tokens.getApiToken(id)!), token: secret };
}

/**
 * The scopes a new token may have: never more than the token that asks for it may do, so a
 * narrowed token cannot mint itself a wider one. `*` (whatever the user's role allows, now and
 * after a role change) only from a caller that is not narrowed itself.
 */
export function grantableScopes(caller: Caller, requested: ReadonlyArray<'*' | Permission>): string[] {
  if (requested.includes('*')) {
    if (!ROLE_PERMISSIONS[caller.role].every((p) => caller.permissions.has(p))) {
      throw new ApiError(403, 'forbidden', 'forbidden: scope * would exceed the scopes of the token asking; list the permissions instead');
    }
    return ['*'];
  }
  const beyond = requested.filter((p) => p !== '*' && !caller.permissions.has(p));
  if (beyond.length > 0) throw new ApiError(403, 'forbidden', `forbidden: scopes ${beyond.join(', ')} exceed what this caller may do`);
  return [...new Set(requested)];
}

/** `expiresIn` of a token request, checked: a token always expires, within a year. */
export function tokenLifetime(expiresIn: string): number {
  let ms: number;
  try {
    ms = parseDuration(expiresIn);
  } catch (err) {
    throw new ApiError(400, 'invalid_body', `invalid body: expiresIn: ${(err as Error).message}`);
  }
  if (ms < 1000) throw new ApiError(400, 'invalid_body', 'invalid body: expiresIn: at least 1s');
  if (ms > MAX_TOKEN_LIFETIME_MS) throw new ApiError(400, 'invalid_body', 'invalid body: expiresIn: at most 365d');
  return ms;
}

/**
 * A token minted by another API token lives no longer than its parent, so revoking a leaked
 * token by letting it lapse cannot be outrun by the children it made. A login session mints
 * tokens that outlive it: that is what personal tokens are for.
 */
export function childTokenLifetime(caller: Caller, requestedMs: number, now: number): number {
  if (caller.tokenKind !== 'api' || caller.expiresAt === null) return requestedMs;
  return Math.max(0, Math.min(requestedMs, caller.expiresAt - now));
}
