import { ApiError } from '../http/api-error.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { RecordAudit, UserDeps } from './user-service.js';
import { auditTenantOf } from './user-view.js';

/**
 * A user changes their own password, proving the current one: whoever holds a stolen session
 * alone cannot lock its owner out. Every other session of the user ends; the one asking stays.
 */
export async function changeOwnPassword(deps: UserDeps, userId: string, keepTokenId: string, current: string, next: string, audit: RecordAudit): Promise<void> {
  const user = deps.store.users.get(userId);
  if (!user || user.disabledAt !== null) throw new ApiError(404, 'not_found', `user ${userId} does not exist`);
  if (!(await verifyPassword(current, user.passwordHash))) {
    throw new ApiError(403, 'invalid_credentials', 'currentPassword is not the current password');
  }
  const passwordHash = await hashPassword(next);
  deps.store.transaction(() => {
    const now = deps.now();
    deps.store.users.update(userId, { passwordHash }, now);
    const revoked = deps.store.tokens.revokeUserTokens(userId, now, 'session', keepTokenId);
    audit({ action: 'user.password_changed', tenantId: auditTenantOf(user), target: { type: 'user', id: userId }, after: { endedSessions: revoked.length } });
    deps.store.afterCommit(() => deps.tokenRevocations.revoked(revoked));
  });
}
