import { ROLE_RANK, type Role, type User, type UserInput, type UserPatch } from '@vigil/shared';
import type { AuditAction } from '../audit/audit-log.js';
import { ApiError } from '../http/api-error.js';
import type { Store, UserRow } from '../store/index.js';
import { newId } from '../store/ids.js';
import { hashPassword } from './passwords.js';
import type { TokenRevocations } from './token-revocations.js';
import { auditTenantOf, publicUser } from './user-view.js';

export interface UserDeps {
  store: Store;
  tokenRevocations: TokenRevocations;
  now: () => number;
}

/** Who is changing users: their role bounds what they may grant; null id for the bootstrap token or the offline CLI. */
export interface Grantor {
  role: Role;
  userId: string | null;
}

/** Writes the audit entry of a change, inside its transaction (by the request's caller, or the CLI). */
export type RecordAudit = (entry: AuditAction) => void;

/**
 * Nobody grants more than they have: a role above their own is refused, and so is changing a
 * user whose role is above theirs. Tenants are checked before this, by the route's declaration.
 */
function requireRank(grantor: Grantor, role: Role, doing: string): void {
  if (ROLE_RANK[role] > ROLE_RANK[grantor.role]) {
    throw new ApiError(403, 'forbidden', `forbidden: role ${grantor.role} cannot ${doing} a user of role ${role}`);
  }
}

function requireTenantsExist(store: Store, tenants: readonly string[]): void {
  const missing = tenants.filter((t) => !store.tenants.getTenant(t));
  if (missing.length > 0) throw new ApiError(400, 'invalid_body', `invalid body: tenants: tenant ${missing.join(', ')} does not exist`);
}

/** An owner works in every tenant (`["*"]`); anyone else in the tenants given, at least one. */
function tenantsOf(role: Role, given: readonly string[] | undefined, current: readonly string[] | undefined): string[] {
  if (role === 'owner') {
    if (given && given.length > 0) throw new ApiError(400, 'invalid_body', 'invalid body: tenants: an owner works in every tenant; name none');
    return ['*'];
  }
  const tenants = given ?? (current?.includes('*') ? undefined : current);
  if (!tenants || tenants.length === 0) throw new ApiError(400, 'invalid_body', 'invalid body: tenants: a user other than an owner needs at least one tenant');
  return [...new Set(tenants)].sort();
}

function conflict(username: string): ApiError {
  return new ApiError(409, 'conflict', `username ${username} is taken`);
}

export async function createUser(deps: Pick<UserDeps, 'store' | 'now'>, input: UserInput, grantor: Grantor, audit: RecordAudit): Promise<User> {
  const { store } = deps;
  requireRank(grantor, input.role, 'create');
  const tenants = tenantsOf(input.role, input.tenants, undefined);
  if (input.role !== 'owner') requireTenantsExist(store, tenants);
  if (store.users.getByUsername(input.username)) throw conflict(input.username);
  const passwordHash = await hashPassword(input.password);
  return store.transaction(() => {
    const id = newId('usr');
    const inserted = store.users.insert({
      id, username: input.username, displayName: input.displayName ?? input.username, passwordHash, role: input.role, tenants, createdAt: deps.now(),
    });
    // Taken while the password was being hashed.
    if (!inserted) throw conflict(input.username);
    const user = publicUser(store.users.get(id)!);
    audit({ action: 'user.created', tenantId: auditTenantOf(user), target: { type: 'user', id }, after: user });
    return user;
  });
}

/** Reads the user again inside the transaction: the route's copy may be stale after an await. */
function current(store: Store, id: string): UserRow {
  const row = store.users.get(id);
  if (!row) throw ApiError.notFound('user', id);
  return row;
}

export async function updateUser(deps: UserDeps, target: UserRow, patch: UserPatch, grantor: Grantor, audit: RecordAudit): Promise<User> {
  const { store } = deps;
  requireRank(grantor, target.role, 'change');
  if (patch.role) requireRank(grantor, patch.role, 'make');
  if (patch.disabled === true && target.id === grantor.userId) throw new ApiError(409, 'conflict', 'you cannot disable your own user');
  const role = patch.role ?? target.role;
  const tenants = patch.role !== undefined || patch.tenants !== undefined ? tenantsOf(role, patch.tenants, target.tenants) : undefined;
  if (patch.tenants && role !== 'owner') requireTenantsExist(store, patch.tenants);
  const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  return store.transaction(() => {
    const now = deps.now();
    const before = current(store, target.id);
    const disabling = patch.disabled === true && before.disabledAt === null;
    store.users.update(target.id, {
      displayName: patch.displayName, passwordHash, role: patch.role, tenants,
      disabledAt: patch.disabled === undefined ? undefined : patch.disabled ? (before.disabledAt ?? now) : null,
    }, now);
    // A new password ends the sessions opened with the old one; disabling ends every token.
    const revoked = disabling ? store.tokens.revokeUserTokens(target.id, now)
      : passwordHash ? store.tokens.revokeUserTokens(target.id, now, 'session') : [];
    const after = publicUser(current(store, target.id));
    const tenantId = auditTenantOf(after);
    audit({
      action: 'user.updated', tenantId, target: { type: 'user', id: target.id },
      before: publicUser(before), after: { ...after, ...(passwordHash ? { passwordChanged: true } : {}) },
    });
    if (disabling) audit({ action: 'user.disabled', tenantId, target: { type: 'user', id: target.id }, after: { revokedTokens: revoked.length } });
    store.afterCommit(() => deps.tokenRevocations.revoked(revoked));
    // Tokens stay valid across a change of role or tenants (each request looks them up afresh),
    // but a live alert stream was opened with the old ones: it is told to reconnect.
    if (!disabling && (patch.role !== undefined || patch.tenants !== undefined)) {
      const live = store.tokens.listApiTokens(target.id).filter((t) => t.revokedAt === null && !revoked.includes(t.id)).map((t) => t.id);
      store.afterCommit(() => deps.tokenRevocations.revoked(live, 'permissions changed; reconnect'));
    }
    return after;
  });
}

/** DELETE: the user can no longer log in and every token of theirs stops at once; the record stays for the audit trail. */
export function disableUser(deps: UserDeps, target: UserRow, grantor: Grantor, audit: RecordAudit): void {
  const { store } = deps;
  requireRank(grantor, target.role, 'disable');
  if (target.id === grantor.userId) throw new ApiError(409, 'conflict', 'you cannot disable your own user');
  store.transaction(() => {
    const now = deps.now();
    const before = current(store, target.id);
    if (before.disabledAt !== null) throw new ApiError(409, 'conflict', `user ${target.id} is disabled already`);
    store.users.update(target.id, { disabledAt: now }, now);
    const revoked = store.tokens.revokeUserTokens(target.id, now);
    audit({
      action: 'user.disabled', tenantId: auditTenantOf(before), target: { type: 'user', id: target.id },
      before: publicUser(before), after: { ...publicUser(current(store, target.id)), revokedTokens: revoked.length },
    });
    store.afterCommit(() => deps.tokenRevocations.revoked(revoked));
  });
}

export function unlockUser(deps: UserDeps, target: UserRow, grantor: Grantor, audit: RecordAudit): void {
  const { store } = deps;
  requireRank(grantor, target.role, 'unlock');
  store.transaction(() => {
    const now = deps.now();
    const before = current(store, target.id);
    store.users.update(target.id, { failedLogins: 0, lockedUntil: null }, now);
    audit({
      action: 'user.unlocked', tenantId: auditTenantOf(before), target: { type: 'user', id: target.id },
      before: { failedLogins: before.failedLogins, lockedUntil: before.lockedUntil },
    });
  });
}

/** For a user who lost their authenticator: they log in with the password alone and may enroll again. */
export function resetUserTotp(deps: UserDeps, target: UserRow, grantor: Grantor, audit: RecordAudit): void {
  const { store } = deps;
  requireRank(grantor, target.role, 'reset the TOTP of');
  store.transaction(() => {
    const now = deps.now();
    const before = current(store, target.id);
    store.users.update(target.id, { totpSecret: null, totpEnabled: false, totpLastStep: null }, now);
    audit({ action: 'user.totp_reset', tenantId: auditTenantOf(before), target: { type: 'user', id: target.id }, before: { totpEnabled: before.totpEnabled } });
  });
}
