import { z } from 'zod';
import { SlugSchema } from './agent.js';
import { TimeBoundSchema } from './time-bound.js';

/**
 * Who may do what. A user has one role and a set of tenants (an owner has them all); an API token
 * acts for its user with at most the scopes it was given. Every route declares the one permission
 * it needs; the tenant of what it touches is checked beside it.
 */
export const RoleSchema = z.enum(['owner', 'admin', 'technician', 'viewer']);
export type Role = z.infer<typeof RoleSchema>;

export const PERMISSIONS = [
  'agents:read', 'agents:manage',
  'alerts:read', 'alerts:act',
  'rules:read', 'rules:write',
  'scripts:read', 'scripts:write',
  'jobs:read', 'jobs:run', 'jobs:approve',
  'maintenance:read', 'maintenance:write',
  'notifications:read', 'notifications:write',
  'reports:read',
  'sla:read', 'sla:write',
  'tenants:read', 'tenants:write', 'tenants:create',
  'users:read', 'users:write',
  'tokens:read', 'tokens:write',
  'audit:read',
  'collector:metrics',
] as const;
export const PermissionSchema = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof PermissionSchema>;

const VIEWER: readonly Permission[] = [
  'agents:read', 'alerts:read', 'rules:read', 'scripts:read', 'jobs:read', 'maintenance:read',
  'reports:read', 'sla:read', 'tenants:read', 'tokens:read', 'tokens:write',
];
const TECHNICIAN: readonly Permission[] = [...VIEWER, 'alerts:act', 'jobs:run'];
const ADMIN: readonly Permission[] = [
  ...TECHNICIAN, 'agents:manage', 'rules:write', 'scripts:write', 'jobs:approve', 'maintenance:write', 'notifications:read',
  'notifications:write', 'sla:write', 'tenants:write', 'users:read', 'users:write', 'audit:read',
];

/**
 * What each role may do, within its tenants. `tokens:*` is every user's own tokens (an admin's
 * `users:write` reaches other users' tokens too). Only an owner creates tenants, changes MSP-wide
 * objects (a global rule, the shared script library) and scrapes the collector's own metrics.
 * `jobs:approve` is change control: an approver is never the one who asked (checked per job).
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: VIEWER,
  technician: TECHNICIAN,
  admin: ADMIN,
  owner: PERMISSIONS,
};

/** Roles from least to most powerful: a user may grant only roles up to their own. */
export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 0, technician: 1, admin: 2, owner: 3 };

/** A token's scopes: `*` for everything its user may do, else a list of permissions. */
export const TokenScopesSchema = z.array(z.union([z.literal('*'), PermissionSchema])).min(1).max(PERMISSIONS.length + 1);

export const UsernameSchema = z.string().trim().toLowerCase().min(2).max(64).regex(/^[a-z0-9][a-z0-9._@-]*$/, 'letters, digits and . _ @ - only');
/** Long enough to resist guessing once hashed; no composition rules (NIST SP 800-63B). */
export const PasswordSchema = z.string().min(12, 'at least 12 characters').max(1024);

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  /** The tenants the user works in; every tenant for an owner (`["*"]`). */
  tenants: z.array(z.string()),
  totpEnabled: z.boolean(),
  lockedUntil: z.number().nullable(),
  createdAt: z.number(),
  disabledAt: z.number().nullable(),
});
export type User = z.infer<typeof UserSchema>;

/** Body of POST /api/v1/users. An owner works across every tenant, so names none. */
export const UserInputSchema = z
  .object({
    username: UsernameSchema,
    displayName: z.string().trim().min(1).max(200).optional(),
    password: PasswordSchema,
    role: RoleSchema,
    tenants: z.array(SlugSchema).max(1000).default([]),
  })
  .strict()
  .refine((u) => u.role === 'owner' || u.tenants.length > 0, { message: 'a user other than an owner needs at least one tenant', path: ['tenants'] });
export type UserInput = z.infer<typeof UserInputSchema>;

/** Body of PATCH /api/v1/users/:id. */
export const UserPatchSchema = z
  .object({
    displayName: z.string().trim().min(1).max(200).optional(),
    password: PasswordSchema.optional(),
    role: RoleSchema.optional(),
    tenants: z.array(SlugSchema).max(1000).optional(),
    disabled: z.boolean().optional(),
  })
  .strict();
export type UserPatch = z.infer<typeof UserPatchSchema>;

/** Body of POST /api/v1/auth/password: one's own password, proven by the current one. */
export const PasswordChangeSchema = z.object({ currentPassword: z.string().min(1).max(1024), newPassword: PasswordSchema }).strict();

/** Body of POST /api/v1/auth/login. */
export const LoginInputSchema = z
  .object({
    username: UsernameSchema,
    password: z.string().min(1).max(1024),
    /** The current code of the user's authenticator app, when they turned TOTP on. */
    totp: z.string().regex(/^\d{6}$/, 'six digits').optional(),
  })
  .strict();
export type LoginInput = z.infer<typeof LoginInputSchema>;

/** Body of POST /api/v1/tokens: a personal API token, shown once. */
export const TokenInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    scopes: TokenScopesSchema.default(['*']),
    /** A duration ("90d"); tokens expire, at most a year after creation. */
    expiresIn: z.string().default('90d'),
  })
  .strict();
export type TokenInput = z.infer<typeof TokenInputSchema>;

export const TokenKindSchema = z.enum(['api', 'session']);

export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: TokenKindSchema,
  /** Null for the bootstrap token written to <data>/admin.token. */
  userId: z.string().nullable(),
  scopes: z.array(z.string()),
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  lastUsedAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

/** What POST /api/v1/auth/login and POST /api/v1/tokens answer: the secret, this once. */
export const IssuedTokenSchema = ApiTokenSchema.extend({ token: z.string() });
export type IssuedToken = z.infer<typeof IssuedTokenSchema>;

/** GET /api/v1/auth/me: who the caller is and what they may do. */
export const WhoAmISchema = z.object({
  user: UserSchema.nullable(),
  tokenId: z.string(),
  role: RoleSchema,
  tenants: z.array(z.string()),
  permissions: z.array(PermissionSchema),
});
export type WhoAmI = z.infer<typeof WhoAmISchema>;

export const AuditEntrySchema = z.object({
  id: z.number(),
  at: z.number(),
  /** `user`, `token` (the bootstrap token, no user), `agent` or `system`. */
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string(),
  action: z.string(),
  /** Null for MSP-wide actions (a global rule, a user of several tenants, a failed login). */
  tenantId: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  sourceIp: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** Query of GET /api/v1/audit. */
export const AuditQuerySchema = z.object({
  tenant: z.string().optional(),
  actor: z.string().optional(),
  action: z.string().optional(),
  targetType: z.string().optional(),
  targetId: z.string().optional(),
  since: TimeBoundSchema.optional(),
  until: TimeBoundSchema.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
