import rateLimit from '@fastify/rate-limit';
import { LoginInputSchema, PasswordChangeSchema, type WhoAmI } from '@vigil/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import type { Caller } from '../auth/caller.js';
import { login, type LoginFailure } from '../auth/login.js';
import { changeOwnPassword } from '../auth/password-change.js';
import { confirmTotpEnrollment, disableTotp, startTotpEnrollment } from '../auth/totp-enrollment.js';
import { auditTenantOf, publicUser } from '../auth/user-view.js';
import { ApiError } from '../http/api-error.js';
import { parseOr400 } from '../http/validate.js';

/** Login attempts per client address and minute, right or wrong: slows guessing across accounts. */
export const LOGIN_RATE_LIMIT = { max: 10, timeWindow: 60_000 } as const;
/** The same for the TOTP codes of one's own account, so a session cannot be used to guess one. */
const TOTP_CODE_RATE_LIMIT = { max: 10, timeWindow: 60_000 } as const;

const CodeBody = z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') }).strict();

/** Unknown user, wrong password and disabled user answer alike: the answer must not tell who exists. */
const REFUSALS: Record<Exclude<LoginFailure, 'locked'>, { code: string; message: string }> = {
  unknown_user: { code: 'invalid_credentials', message: 'invalid username or password' },
  bad_password: { code: 'invalid_credentials', message: 'invalid username or password' },
  disabled: { code: 'invalid_credentials', message: 'invalid username or password' },
  totp_required: { code: 'totp_required', message: 'this account needs a TOTP code: send it as totp' },
  invalid_totp: { code: 'invalid_totp', message: 'invalid TOTP code: wrong, expired or used already' },
};

/** The caller's user; the bootstrap token has none, and a second factor is a user's. */
function callerUserId(request: FastifyRequest): string {
  const userId = request.caller!.userId;
  if (!userId) throw new ApiError(400, 'no_user', 'this token has no user (the bootstrap admin token): log in as a user');
  return userId;
}

function whoAmI(ctx: AppContext, caller: Caller): WhoAmI {
  const user = caller.userId ? ctx.store.users.get(caller.userId) : undefined;
  return {
    user: user ? publicUser(user) : null,
    tokenId: caller.tokenId,
    role: caller.role,
    tenants: caller.tenants === 'all' ? ['*'] : [...caller.tenants],
    permissions: [...caller.permissions],
  };
}

export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ApiError(context.statusCode, 'rate_limited', `too many attempts from this address; retry in ${context.after}`),
  });

  app.post('/api/v1/auth/login', { config: { public: true, rateLimit: LOGIN_RATE_LIMIT } }, async (request, reply) => {
    const input = parseOr400(LoginInputSchema, request.body);
    const result = await login(ctx, input, request.ip);
    if (result.ok) {
      request.log.info({ user: result.user.username, tokenId: result.session.id }, 'login');
      return { ...result.session, user: result.user };
    }
    request.log.warn({ username: input.username, reason: result.reason, remote: request.ip }, 'login refused');
    if (result.reason === 'locked') {
      const retryAfterS = Math.max(1, Math.ceil(((result.lockedUntil ?? ctx.now()) - ctx.now()) / 1000));
      reply.header('retry-after', retryAfterS);
      throw new ApiError(423, 'account_locked', `account locked after repeated failed logins; retry in ${retryAfterS} s or ask an admin to unlock it`);
    }
    const refusal = REFUSALS[result.reason];
    throw new ApiError(401, refusal.code, refusal.message);
  });

  // Any token may end itself: a session at logout, a script's token when it is done.
  app.post('/api/v1/auth/logout', { config: { auth: { permission: 'self' } } }, async (request, reply) => {
    const caller = request.caller!;
    const user = caller.userId ? ctx.store.users.get(caller.userId) : undefined;
    ctx.store.transaction(() => {
      ctx.store.tokens.revokeApiToken(caller.tokenId, ctx.now());
      ctx.audit.record(request, { action: 'auth.logout', tenantId: auditTenantOf(user), target: { type: 'token', id: caller.tokenId } });
      ctx.store.afterCommit(() => ctx.tokenRevocations.revoked([caller.tokenId]));
    });
    return reply.status(204).send();
  });

  app.get('/api/v1/auth/me', { config: { auth: { permission: 'self' } } }, async (request) => whoAmI(ctx, request.caller!));

  // One's own password, whatever one's role; rate-limited like TOTP codes, since it tests a password.
  app.post('/api/v1/auth/password', { config: { auth: { permission: 'self' }, rateLimit: TOTP_CODE_RATE_LIMIT } }, async (request, reply) => {
    const body = parseOr400(PasswordChangeSchema, request.body);
    await changeOwnPassword(ctx, callerUserId(request), request.caller!.tokenId, body.currentPassword, body.newPassword, (entry) => ctx.audit.record(request, entry));
    return reply.status(204).send();
  });

  app.post('/api/v1/auth/totp', { config: { auth: { permission: 'tokens:write' } } }, async (request) => startTotpEnrollment(ctx, callerUserId(request)));

  app.post('/api/v1/auth/totp/confirm', { config: { auth: { permission: 'tokens:write' }, rateLimit: TOTP_CODE_RATE_LIMIT } }, async (request, reply) => {
    const { code } = parseOr400(CodeBody, request.body);
    confirmTotpEnrollment(ctx, callerUserId(request), code, (entry) => ctx.audit.record(request, entry));
    return reply.status(204).send();
  });

  app.delete('/api/v1/auth/totp', { config: { auth: { permission: 'tokens:write' }, rateLimit: TOTP_CODE_RATE_LIMIT } }, async (request, reply) => {
    const { code } = parseOr400(CodeBody, request.body);
    disableTotp(ctx, callerUserId(request), code, (entry) => ctx.audit.record(request, entry));
    return reply.status(204).send();
  });
}
